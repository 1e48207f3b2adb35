#region snippet: decorators-after
using Idempotency.Decorators;
#endregion

namespace Snippets.Decorators;

public sealed record Receipt(string OrderId, decimal Amount);

#region snippet: decorators-after
public interface IPayments
{
    // Once per order id; the same id with another amount is refused (IdempotencyKeyReusedException).
    [Idempotent(Key = "orderId", Policy = "payments", Operation = "payments.charge")]
    Task<Receipt> ChargeAsync(string orderId, decimal amount, CancellationToken cancellationToken);

    // Not marked: the decorator calls the implementation directly.
    Task<Receipt?> FindAsync(string orderId, CancellationToken cancellationToken);
}
#endregion

public sealed class Payments : IPayments
{
    public Task<Receipt> ChargeAsync(string orderId, decimal amount, CancellationToken cancellationToken) => Task.FromResult(new Receipt(orderId, amount));

    public Task<Receipt?> FindAsync(string orderId, CancellationToken cancellationToken) => Task.FromResult<Receipt?>(null);
}
