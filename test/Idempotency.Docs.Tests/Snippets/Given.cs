namespace Snippets;

// What the snippets take as given: the reader's own types and services. Not shown in the documentation.

public sealed record Order(string Item, int Quantity);

public sealed record Receipt(string Id)
{
    public bool Replayed { get; init; }
}

public sealed record Charge(Guid Id, int Amount, string Currency);

public sealed class Payments
{
    public ValueTask<Receipt> ChargeAsync(Order order, CancellationToken cancellationToken) => ValueTask.FromResult(new Receipt(order.Item));
}

public sealed record OrderInput(string Item, int Quantity);

public sealed record OrderPlaced(string MessageId, Order Order, byte[] Body, int Attempt = 1);

public sealed class PaymentDeclinedException(string message) : Exception(message);
