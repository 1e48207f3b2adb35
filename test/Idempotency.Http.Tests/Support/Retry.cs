using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Idempotency.Http.Tests;

/// <summary>A resilience handler with a retry strategy and short delays, as applications configure it.</summary>
internal static class Retry
{
    /// <summary>
    /// Adds <c>AddResilienceHandler</c> with a retry on transient outcomes (connection errors, 5xx, 408, 429), and on
    /// 409 when <paramref name="onConflict"/> is set. Retry-After is honoured (the middleware's 409 says 1 s).
    /// A retry after a 5xx needs a delay longer than the server takes to release the key once the 5xx headers are out
    /// (the handler chain sees them before the server has finished), or it meets a 409: tests of that pass a longer one.
    /// </summary>
    public static IHttpClientBuilder AddRetry(this IHttpClientBuilder builder, int maxRetries, bool onConflict = false, int delayMs = 20)
    {
        builder.AddResilienceHandler("retry", pipeline => pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = maxRetries,
            Delay = TimeSpan.FromMilliseconds(delayMs),
            BackoffType = DelayBackoffType.Constant,
            UseJitter = false,
            ShouldHandle = args => ValueTask.FromResult(
                HttpClientResiliencePredicates.IsTransient(args.Outcome)
                || (onConflict && args.Outcome.Result?.StatusCode == HttpStatusCode.Conflict)),
        }));
        return builder;
    }
}
