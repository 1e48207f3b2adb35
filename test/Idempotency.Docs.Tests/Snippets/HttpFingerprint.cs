#region snippet: http-fingerprint-jmespath
using Idempotency.JmesPath;
#endregion

namespace Snippets;

internal static class HttpFingerprint
{
    public static void Configure(WebApplicationBuilder builder)
    {
        #region snippet: http-fingerprint-jmespath
        var amounts = new JmesPathKeySelector(keyExpression: "@", fingerprintExpression: "[amount, currency]");
        builder.Services.AddIdempotency().AddIdempotencyMiddleware(o =>
            o.BodyFingerprintSelector = (context, body) => ValueTask.FromResult(amounts.Select(body.Span).Fingerprint ?? ""));
        #endregion
    }
}
