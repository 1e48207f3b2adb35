using Idempotency.Messaging;

namespace EventsWorker;

/// <summary>
/// The application's handlers: a payment is charged and its receipt sent (two handlers of one event, each run once), an
/// order's stock reserved. Every run is written to the side-effect log. A few first runs fail transiently, and with
/// <c>--crash</c> one run dies halfway.
/// </summary>
internal sealed class Handlers(SideEffects effects, double failureRate, int crashAt)
{
    private int _started;

    public IEnumerable<(string Handler, Func<InboundMessage, CancellationToken, ValueTask> Handle)> For(string eventType, ConsumerProcess process) => eventType switch
    {
        "payment.charged" => [("charge-card", (m, ct) => RunAsync("charge-card", m, process, ct)), ("send-receipt", (m, ct) => RunAsync("send-receipt", m, process, ct))],
        _ => [("reserve-stock", (m, ct) => RunAsync("reserve-stock", m, process, ct))],
    };

    /// <summary>The handlers by name and event type, for a broker adapter's <c>AddHandler</c>.</summary>
    public static IEnumerable<(string Handler, string EventType)> Registrations =>
        [("charge-card", "payment.charged"), ("send-receipt", "payment.charged"), ("reserve-stock", "order.paid")];

    /// <summary>Runs a handler in a process that does not crash (the broker adapters' consumers).</summary>
    public ValueTask RunAsync(string handler, InboundMessage message, CancellationToken cancellationToken) =>
        RunAsync(handler, message, process: null, cancellationToken);

    private async ValueTask RunAsync(string handler, InboundMessage message, ConsumerProcess? process, CancellationToken cancellationToken)
    {
        var eventId = Envelope.EventId(message.Body);
        await Task.Delay(Random.Shared.Next(1, 4), cancellationToken); // the work takes a moment, so deliveries overlap
        // The crash hits the single-worker process, so no other handler of that process is cut off halfway with it.
        if (process is { Workers: 1 } && Interlocked.Increment(ref _started) == crashAt)
        {
            effects.CrashedDuring();
            Console.WriteLine($"  ! {process.Name} crashed while '{handler}' handled {eventId} (simulated kill: its store connection is cut and it never answers the broker again)");
            process.Crash();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        if (message.DeliveryAttempt == 1 && Random.Shared.NextDouble() < failureRate)
        {
            effects.FailedTransiently();
            throw new TimeoutException("the payment provider timed out");
        }

        effects.Ran(handler, eventId);
    }
}
