#region snippet: package-core
using Idempotency;
#endregion

namespace Snippets;

internal static class PackageCore
{
    public static async Task RunAsync(IServiceCollection services, IIdempotencyExecutor executor, string idempotencyKey, byte[] body, Payments payments, Order order, CancellationToken cancellationToken)
    {
        #region snippet: package-core
        services.AddIdempotency(options =>
        {
            options.ServiceName = "billing";
            options.AddPolicy("payments", p => p.Ttl = TimeSpan.FromDays(7));
        });

        // later, with an injected IIdempotencyExecutor executor:
        var result = await executor.ExecuteAsync(
            new IdempotencyRequest("charge", idempotencyKey) { Policy = "payments", Fingerprint = ContentHash.Compute(body) },
            async ct => await payments.ChargeAsync(order, ct),
            cancellationToken);
        #endregion
        Console.WriteLine(result.IsReplayed);
    }
}
