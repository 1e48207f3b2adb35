#region snippet: decorators-before
using System.Text.Json;
using Idempotency;
#endregion

namespace Snippets.Decorators.Before;

public sealed record Receipt(string OrderId, decimal Amount);

#region snippet: decorators-before
// Without the generator: every idempotent method repeats the plumbing — the request, the key, the fingerprint of the
// arguments, the executor call, unwrapping the value.
public sealed class IdempotentPayments(IIdempotencyExecutor executor, Payments inner)
{
    public async Task<Receipt> ChargeAsync(string orderId, decimal amount, CancellationToken cancellationToken)
    {
        var fingerprint = ContentHash.ComputeCanonicalJson(JsonSerializer.SerializeToUtf8Bytes(new { orderId, amount }));
        var request = new IdempotencyRequest("payments.charge", orderId) { Fingerprint = fingerprint, Policy = "payments" };
        var result = await executor.ExecuteAsync(request, ct => new ValueTask<Receipt>(inner.ChargeAsync(orderId, amount, ct)), cancellationToken);
        return result.Value;
    }
}
#endregion

public sealed class Payments
{
    public Task<Receipt> ChargeAsync(string orderId, decimal amount, CancellationToken cancellationToken) => Task.FromResult(new Receipt(orderId, amount));
}
