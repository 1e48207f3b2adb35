#region snippet: readme-first-example
using Idempotency;
#endregion

namespace Snippets;

internal static class FirstExample
{
    public static async Task RunAsync(byte[] requestBody, Payments payments, Order order, CancellationToken cancellationToken)
    {
        #region snippet: readme-first-example
        // No store is given, so this executor keeps its records in a process-local in-memory store: right for one
        // process and for tests. Several instances share keys only through Redis or PostgreSQL (docs/stores).
        var executor = IdempotencyExecutor.Create(new IdempotencyOptions { ServiceName = "billing" });

        // The first call runs the charge; every later call with the same key replays its result.
        var result = await executor.ExecuteAsync(
            new IdempotencyRequest("charge", "order-1234") { Fingerprint = ContentHash.Compute(requestBody) },
            async ct => await payments.ChargeAsync(order, ct),
            cancellationToken);

        Console.WriteLine(result.IsReplayed ? "replayed" : "charged");
        #endregion
    }
}
