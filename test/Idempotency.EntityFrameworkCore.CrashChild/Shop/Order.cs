namespace Idempotency.EntityFrameworkCore.Shop;

/// <summary>A business row: one per order placed, with the key that placed it.</summary>
public sealed class Order
{
    public long Id { get; set; }

    public required string IdempotencyKey { get; set; }
}
