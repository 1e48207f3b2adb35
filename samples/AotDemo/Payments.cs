using Idempotency.Decorators;

namespace AotDemo;

public sealed record Receipt(string OrderId, decimal Amount, int Run);

#region snippet: decorators-aot-interface
public interface IPayments
{
    // Runs once per order id; a retry with the same id and amount gets the first receipt back.
    [Idempotent(Key = "orderId", Operation = "payments.charge")]
    Task<Receipt> ChargeAsync(string orderId, decimal amount, CancellationToken cancellationToken);

    // The key is the parameter marked [IdempotencyKey]; a false result is replayed as false.
    [Idempotent(Operation = "payments.refund")]
    ValueTask<bool> RefundAsync([IdempotencyKey] Guid refundId, string orderId);
}
#endregion

/// <summary>Counts the runs of the implementation, which the demo compares with the calls it made.</summary>
public sealed class Ledger
{
    private int _charges;
    private int _refunds;

    public int Charges => Volatile.Read(ref _charges);

    public int Refunds => Volatile.Read(ref _refunds);

    public int Charged() => Interlocked.Increment(ref _charges);

    public int Refunded() => Interlocked.Increment(ref _refunds);
}

/// <summary>The implementation, created by the container (its constructor is kept by the trimmer through the registration).</summary>
public sealed class Payments(Ledger ledger) : IPayments
{
    public Task<Receipt> ChargeAsync(string orderId, decimal amount, CancellationToken cancellationToken) =>
        Task.FromResult(new Receipt(orderId, amount, ledger.Charged()));

    public ValueTask<bool> RefundAsync(Guid refundId, string orderId)
    {
        ledger.Refunded();
        return ValueTask.FromResult(false);   // nothing to refund: a falsy result, replayed as it is
    }
}
