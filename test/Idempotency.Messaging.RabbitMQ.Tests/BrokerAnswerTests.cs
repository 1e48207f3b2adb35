using System.Text;
using Idempotency.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Idempotency.Messaging.RabbitMQ.Tests;

// One answer per delivery from every handler's outcome: a retry wins over a dead letter until the queue's last delivery.
public sealed class BrokerAnswerTests
{
    private static readonly RabbitMqConsumerOptions Options = new() { DeliveryLimit = 4, RequeueDelay = TimeSpan.FromSeconds(1), MaxRequeueDelay = TimeSpan.FromSeconds(30) };

    [Theory]
    [InlineData(MessageOutcome.Failed)]
    [InlineData(MessageOutcome.InProgress)]
    [InlineData(MessageOutcome.StoreUnavailable)]
    public async Task DeadLetterAskedWhileAnotherHandlerNeedsARetry_Requeues(MessageOutcome retrying)
    {
        var results = await ResultsAsync(("a", Conflict()), ("b", Outcome(retrying)));

        var answer = BrokerAnswer.Decide(results, attempt: 1, Options);

        Assert.Equal(BrokerAnswerKind.Requeue, answer.Kind);
    }

    [Fact]
    public async Task OnlyPoisonedAndDoneHandlersLeft_DeadLettersNamingThePoisonedOne()
    {
        var results = await ResultsAsync(("a", Outcome(MessageOutcome.Processed)), ("b", Conflict()));

        var answer = BrokerAnswer.Decide(results, attempt: 1, Options);

        Assert.Equal(BrokerAnswerKind.DeadLetter, answer.Kind);
        Assert.Equal("b", answer.Handler);
        Assert.Equal(MessageOutcome.Conflict, answer.Result!.Outcome);
    }

    [Fact]
    public async Task HandlerStillRetrying_OnTheQueuesLastDelivery_DeadLetters()
    {
        var results = await ResultsAsync(("a", Conflict()), ("b", Outcome(MessageOutcome.InProgress)));

        var answer = BrokerAnswer.Decide(results, attempt: 5, Options);

        Assert.Equal(BrokerAnswerKind.DeadLetter, answer.Kind);
        Assert.Equal("b", answer.Handler);
        Assert.Equal("delivery 5 was the last the queue makes (DeliveryLimit 4) and ended InProgress.", answer.Reason);
    }

    // Real outcomes from the transport-neutral consumer: the adapter never makes up a ProcessingResult.
    private static Func<ConsumerSetup, Task<ProcessingResult>> Outcome(MessageOutcome outcome) => setup => setup.ProcessAsync(outcome);

    private static Func<ConsumerSetup, Task<ProcessingResult>> Conflict() => setup => setup.ProcessAsync(MessageOutcome.Conflict);

    private static async Task<List<(string Handler, ProcessingResult? Result)>> ResultsAsync(params (string Handler, Func<ConsumerSetup, Task<ProcessingResult>> Make)[] handlers)
    {
        var results = new List<(string, ProcessingResult?)>();
        foreach (var (handler, make) in handlers)
        {
            using var setup = new ConsumerSetup();
            results.Add((handler, await make(setup)));
        }

        return results;
    }

    /// <summary>The transport-neutral consumer on an in-memory store, brought to each outcome the way a delivery meets it.</summary>
    private sealed class ConsumerSetup : IDisposable
    {
        private readonly ServiceProvider _services;
        private readonly FaultInjectingIdempotencyStore _store = new(new InMemoryIdempotencyStore());
        private readonly IIdempotentConsumer _consumer;

        public ConsumerSetup()
        {
            var services = new ServiceCollection();
            services.AddSingleton<IIdempotencyStore>(_store);
            services.AddIdempotency().AddIdempotentConsumer();
            _services = services.BuildServiceProvider();
            _consumer = _services.GetRequiredService<IIdempotentConsumer>();
        }

        public async Task<ProcessingResult> ProcessAsync(MessageOutcome outcome)
        {
            switch (outcome)
            {
                case MessageOutcome.Failed:
                    return await ProcessAsync(10, (_, _) => throw new InvalidOperationException("declined"));
                case MessageOutcome.Conflict:
                    await ProcessAsync(10, (_, _) => ValueTask.CompletedTask);
                    return await ProcessAsync(99, (_, _) => ValueTask.CompletedTask);
                case MessageOutcome.StoreUnavailable:
                    _store.ThrowUnavailable(IdempotencyStoreOperation.Claim);
                    return await ProcessAsync(10, (_, _) => ValueTask.CompletedTask);
                case MessageOutcome.InProgress:
                    var running = new TaskCompletionSource();
                    var release = new TaskCompletionSource();
                    var first = ProcessAsync(10, async (_, _) =>
                    {
                        running.SetResult();
                        await release.Task;
                    });
                    await running.Task;
                    var second = await ProcessAsync(10, (_, _) => ValueTask.CompletedTask);
                    release.SetResult();
                    await first;
                    return second;
                default:
                    return await ProcessAsync(10, (_, _) => ValueTask.CompletedTask);
            }
        }

        public void Dispose() => _services.Dispose();

        private async Task<ProcessingResult> ProcessAsync(int amount, Func<InboundMessage, CancellationToken, ValueTask> handle) =>
            await _consumer.ProcessAsync(new InboundMessage("payment.charged", Encoding.UTF8.GetBytes($"{{\"eventId\":\"evt-1\",\"amount\":{amount}}}")), "charge", handle, CancellationToken.None);
    }
}
