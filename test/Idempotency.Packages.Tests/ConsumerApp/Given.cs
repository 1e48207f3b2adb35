// The README's first example uses these names as given: the request body, the payment service, the order, a token.
global using static Given;

internal static class Given
{
#pragma warning disable IDE1006 // named as the example names them
    public static readonly byte[] requestBody = """{"item":"book","quantity":2}"""u8.ToArray();
    public static readonly Payments payments = new();
    public static readonly Order order = new("book", 2);
    public static CancellationToken cancellationToken => CancellationToken.None;
#pragma warning restore IDE1006
}

public sealed record Order(string Item, int Quantity);

public sealed record Receipt(string Item, int Quantity);

/// <summary>Counts its charges, so the app can show the second call did not charge again.</summary>
public sealed class Payments
{
    private int _charges;

    public int Charges => Volatile.Read(ref _charges);

    public async ValueTask<Receipt> ChargeAsync(Order order, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _charges);
        await Task.Delay(1, cancellationToken);
        return new Receipt(order.Item, order.Quantity);
    }
}
