#region snippet: http-client-retry-409
using System.Net;
using Microsoft.Extensions.Http.Resilience;
#endregion

namespace Snippets;

internal static class HttpClientRetry
{
    public static void Configure(IServiceCollection services)
    {
        #region snippet: http-client-retry-409
        services.AddHttpClient("payments")
            .AddIdempotencyKeys()
            .AddStandardResilienceHandler(options => options.Retry.ShouldHandle = args => ValueTask.FromResult(
                HttpClientResiliencePredicates.IsTransient(args.Outcome)
                || args.Outcome.Result?.StatusCode == HttpStatusCode.Conflict));
        #endregion
    }
}
