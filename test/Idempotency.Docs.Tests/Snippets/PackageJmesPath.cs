#region snippet: package-jmespath
using Idempotency.JmesPath;
#endregion

namespace Snippets;

internal static class PackageJmesPath
{
    public static async Task<Receipt> RunAsync(Idempotency.IIdempotencyExecutor executor, byte[] eventJsonUtf8, OrderPlaced evt, CancellationToken cancellationToken)
    {
        #region snippet: package-jmespath
        var selector = new JmesPathKeySelector("[from_json(body).userId, from_json(body).orderId]", fingerprintExpression: "from_json(body)");
        var request = selector.CreateRequest("orders.create", eventJsonUtf8);   // Key, Fingerprint filled in
        var result = await executor.ExecuteAsync(request, async ct => await HandleAsync(evt, ct), cancellationToken);
        #endregion
        return result.Value;
    }

    private static Task<Receipt> HandleAsync(OrderPlaced evt, CancellationToken cancellationToken) => Task.FromResult(new Receipt(evt.MessageId));
}
