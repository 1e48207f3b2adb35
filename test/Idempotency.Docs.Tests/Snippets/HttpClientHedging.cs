#region snippet: http-client-hedging-409
using System.Net;
using Microsoft.Extensions.Http.Resilience;
#endregion

namespace Snippets;

internal static class HttpClientHedging
{
    public static void Configure(IServiceCollection services)
    {
        #region snippet: http-client-hedging-409
        services.AddHttpClient("payments")
            .AddIdempotencyKeys()
            .AddStandardHedgingHandler().Configure(options => options.Hedging.ShouldHandle = args => ValueTask.FromResult(
                HttpClientResiliencePredicates.IsTransient(args.Outcome)
                || args.Outcome.Result?.StatusCode == HttpStatusCode.Conflict));
        #endregion
    }
}
