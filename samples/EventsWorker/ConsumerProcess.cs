using Idempotency;
using Idempotency.Messaging;
using Microsoft.Extensions.DependencyInjection;

namespace EventsWorker;

/// <summary>
/// One consumer process: its own engine and connection to the shared store, a few workers pulling from the broker, and
/// the handlers. Each delivery's outcome is answered to the broker exactly as a real adapter does.
/// </summary>
internal sealed class ConsumerProcess : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly CrashableStore _store;
    private readonly IIdempotentConsumer _consumer;
    private readonly InProcessBroker _broker;
    private readonly Handlers _handlers;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _workers = [];

    public ConsumerProcess(string name, IIdempotencyStore shared, InProcessBroker broker, Handlers handlers)
    {
        Name = name;
        _store = new CrashableStore(shared);
        _broker = broker;
        _handlers = handlers;
        var services = new ServiceCollection();
        services.AddSingleton<IIdempotencyStore>(_store);
        services.AddIdempotency(o =>
        {
            o.ServiceName = "events-worker";
            o.DefaultPolicy.Lease = TimeSpan.FromSeconds(2); // short, so a crashed claim is recovered quickly
            o.OperationTtls["payment.charged"] = TimeSpan.FromDays(7);
        }).AddIdempotentConsumer(o => o.RetryHorizon = TimeSpan.FromHours(1));
        _services = services.BuildServiceProvider();
        _consumer = _services.GetRequiredService<IIdempotentConsumer>();
    }

    public string Name { get; }

    public int Workers => _workers.Count;

    public Summary Counts { get; } = new();

    public void Start(int workers)
    {
        for (var i = 0; i < workers; i++)
        {
            _workers.Add(Task.Run(() => WorkAsync(_stop.Token)));
        }
    }

    /// <summary>Dies mid-handler: the store connection is cut and nothing of this process answers the broker again.</summary>
    public void Crash()
    {
        _store.Crash();
        _stop.Cancel();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers.Select(w => w.ContinueWith(static _ => { }, TaskScheduler.Default)));
        await _services.DisposeAsync();
        _stop.Dispose();
    }

    private async Task WorkAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var delivery = await _broker.ReceiveAsync(stop);
            var message = new InboundMessage(delivery.EventType, delivery.Body) { MessageId = delivery.MessageId, DeliveryAttempt = delivery.Deliveries };
            var answers = new List<ProcessingResult>();
            foreach (var (handler, handle) in _handlers.For(delivery.EventType, this))
            {
                answers.Add(await _consumer.ProcessAsync(message, handler, handle, stop));
            }

            if (stop.IsCancellationRequested)
            {
                return; // crashed: the broker redelivers after its ack wait
            }

            Answer(delivery, answers);
        }
    }

    // A delivery is acknowledged when every handler has processed it. A retry wins over a dead letter: while any handler
    // still needs another delivery it is redelivered (the others are duplicates then); once only poisoned handlers are
    // left it is dead-lettered.
    private void Answer(BrokerMessage delivery, List<ProcessingResult> answers)
    {
        foreach (var answer in answers)
        {
            Counts.Add(answer);
        }

        if (answers.All(a => a.ShouldAcknowledge))
        {
            _broker.Ack(delivery);
        }
        else if (answers.All(a => a.ShouldAcknowledge || a.DeadLetter))
        {
            _broker.DeadLetter(delivery);
        }
        else
        {
            var delay = answers.Where(a => !a.ShouldAcknowledge && !a.DeadLetter).Max(a => a.RetryAfter);
            _broker.Nak(delivery, delay > TimeSpan.Zero ? delay : TimeSpan.FromMilliseconds(200));
        }
    }
}
