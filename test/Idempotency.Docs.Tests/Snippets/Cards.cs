namespace Snippets;

/// <summary>Stands for the application's card service in the messaging snippets.</summary>
public sealed class Cards
{
    private int _charged;

    public ValueTask ChargeAsync(Idempotency.Messaging.InboundMessage message, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _charged);
        return ValueTask.CompletedTask;
    }
}
