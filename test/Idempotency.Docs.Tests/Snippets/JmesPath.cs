#region snippet: jmespath-first
using Idempotency;
using Idempotency.JmesPath;
#endregion

namespace Snippets;

internal static class JmesPath
{
    public static Func<byte[], CancellationToken, Task<Receipt>> Create()
    {
        #region snippet: jmespath-first
        // Compile once (expressions are checked here), share everywhere: the selector is thread-safe.
        var selector = new JmesPathKeySelector(
            keyExpression: "from_json(body).orderId",
            fingerprintExpression: "from_json(body).[amount, currency]");

        var executor = IdempotencyExecutor.Create();

        // ChargeAsync is your handler: ValueTask<Receipt> ChargeAsync(byte[] eventUtf8, CancellationToken cancellationToken).

        async Task<Receipt> HandleAsync(byte[] eventUtf8, CancellationToken cancellationToken)
        {
            var request = selector.CreateRequest("orders.charge", eventUtf8);
            var result = await executor.ExecuteAsync(request, ct => ChargeAsync(eventUtf8, ct), cancellationToken);
            return result.Value; // result.IsReplayed tells whether an earlier run answered
        }
        #endregion
        return HandleAsync;
    }

    private static ValueTask<Receipt> ChargeAsync(byte[] eventUtf8, CancellationToken cancellationToken) => ValueTask.FromResult(new Receipt("r-1"));
}
