using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Idempotency.Messaging.Nats.Tests;

// SPEC §5: the adapter reads the consumer's redelivery settings from the server and refuses to start when a record could
// expire while JetStream may still redeliver its message, naming the event type, both durations, the settings and the fix.
public sealed class RetryHorizonStartupTests(NatsFixture nats) : IClassFixture<NatsFixture>
{
    [Fact]
    public async Task EventTypeTtlShorterThanMaxDeliverTimesAckWait_StartFails()
    {
        var stream = await nats.CreateStreamAsync();
        var eventType = stream.Subject("paid");
        await using var host = Host(stream, o => o.ConsumerConfig = new ConsumerConfig { AckWait = TimeSpan.FromHours(1), MaxDeliver = 5 }, e => e.OperationTtls[eventType] = TimeSpan.FromHours(1));

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(host.StartAsync);

        Assert.Equal(
            $"Event type '{eventType}' keeps its records for 01:00:00, but the transport may redeliver a message for up to 05:00:00 (JetStream consumer 'billing': MaxDeliver 5, AckWait 1h): a redelivery after the record expired would run the handler again. Raise the TTL (IdempotencyOptions.OperationTtls[\"{eventType}\"]) to at least 05:00:00, or shorten the redelivery horizon.",
            Assert.Single(ex.Failures));
    }

    [Fact]
    public async Task DefaultTtlShorterThanTheBackOffSteps_StartFails()
    {
        var stream = await nats.CreateStreamAsync();
        await stream.CreateConsumerAsync("billing", c =>
        {
            c.MaxDeliver = 5;
            c.Backoff = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)];
        });
        await using var host = Host(stream, _ => { }, e => e.DefaultPolicy.Ttl = TimeSpan.FromMinutes(1));

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(host.StartAsync);

        var message = Assert.Single(ex.Failures);
        Assert.Contains("up to 00:01:36 (JetStream consumer 'billing': MaxDeliver 5, BackOff 1s,5s,30s)", message, StringComparison.Ordinal);
        Assert.Contains("IdempotencyOptions.DefaultPolicy.Ttl", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnlimitedMaxDeliverWithoutAStatedHorizon_StartFails()
    {
        var stream = await nats.CreateStreamAsync();
        await stream.CreateConsumerAsync("billing", c => c.MaxDeliver = -1);
        await using var host = Host(stream, _ => { });

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(host.StartAsync);

        Assert.Contains("JetStream consumer 'billing': MaxDeliver unlimited, AckWait 5s redelivers without limit", Assert.Single(ex.Failures), StringComparison.Ordinal);
        Assert.Contains("NatsConsumerOptions.RetryHorizon", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TtlsCoveringTheHorizon_Start_AndTheConsumerKnowsItsHorizon()
    {
        var stream = await nats.CreateStreamAsync();
        await stream.CreateConsumerAsync("billing", c =>
        {
            c.AckWait = TimeSpan.FromMinutes(1);
            c.MaxDeliver = 4;
        });
        await using var host = Host(stream, _ => { }, e => e.OperationTtls[stream.Subject("paid")] = TimeSpan.FromMinutes(4));

        await host.StartAsync();

        var options = host.Services.GetRequiredService<IOptions<IdempotentConsumerOptions>>().Value;
        Assert.Equal(TimeSpan.FromMinutes(4), options.RetryHorizon);
        Assert.Equal("JetStream consumer 'billing': MaxDeliver 4, AckWait 1m", options.RetryHorizonSource);
    }

    [Fact]
    public async Task ConsumerWithoutExplicitAcks_StartFails()
    {
        var stream = await nats.CreateStreamAsync();
        await stream.CreateConsumerAsync("billing", c => c.AckPolicy = ConsumerConfigAckPolicy.None);
        await using var host = Host(stream, _ => { });

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(host.StartAsync);

        Assert.Contains("acknowledges with AckPolicy None: it must be Explicit", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConsumerThatDoesNotExist_StartFails()
    {
        var stream = await nats.CreateStreamAsync();
        await using var host = Host(stream, _ => { });

        await Assert.ThrowsAsync<NatsJSApiException>(host.StartAsync);
    }

    [Fact]
    public async Task OptionsWithoutHandlers_StartFailsListingEveryProblem()
    {
        var stream = await nats.CreateStreamAsync();
        await using var host = new ConsumerHost(stream, new InMemoryIdempotencyStore(), o =>
        {
            o.Consumer = " ";
            o.ConcurrentDeliveries = 0;
        });

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(host.StartAsync);

        Assert.Equal(3, ex.Failures.Count());
    }

    [Fact]
    public async Task TwoHandlersOfOneName_StartFails()
    {
        var stream = await nats.CreateStreamAsync();
        await using var host = Host(stream, o => o.AddHandler("charge-card", (_, _, _) => ValueTask.CompletedTask));

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(host.StartAsync);

        Assert.Equal("The handler name 'charge-card' is added twice for the same event type; give each handler its own name.", Assert.Single(ex.Failures));
    }

    [Fact]
    public async Task HandlerNameThatIsNotAnOperationName_StartFails()
    {
        var stream = await nats.CreateStreamAsync();
        await using var host = Host(stream, o => o.AddHandler("send email", (_, _, _) => ValueTask.CompletedTask));

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(host.StartAsync);

        Assert.StartsWith("The handler name 'send email' is not a valid operation name", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    private static ConsumerHost Host(TestStream stream, Action<NatsConsumerOptions> configure, Action<IdempotencyOptions>? engine = null) =>
        new(
            stream,
            new InMemoryIdempotencyStore(),
            o =>
            {
                o.Consumer = "billing";
                o.AddHandler("charge-card", (_, _, _) => ValueTask.CompletedTask);
                configure(o);
            },
            engine: engine);
}
