using System.Collections.Concurrent;
using System.Net;

namespace Idempotency.Http.Tests;

/// <summary>One attempt as the resilience handler saw it: the key it carried and its outcome.</summary>
public sealed record Attempt(string? Key, HttpStatusCode? Status, bool Replayed, string? Error);

/// <summary>The attempts of a test's requests, in order (recorded just inside the resilience handler).</summary>
public sealed class Attempts
{
    private readonly ConcurrentQueue<Attempt> _attempts = new();

    public IReadOnlyList<Attempt> All => [.. _attempts];

    public void Add(Attempt attempt) => _attempts.Enqueue(attempt);
}

/// <summary>Records every attempt that passes through it; placed right after the resilience handler.</summary>
public sealed class AttemptRecorder(Attempts attempts) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var key = request.GetIdempotencyKey();
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            attempts.Add(new Attempt(key, response.StatusCode, response.Headers.Contains("Idempotent-Replayed"), null));
            return response;
        }
        catch (Exception exception)
        {
            attempts.Add(new Attempt(key, null, false, exception.GetType().Name));
            throw;
        }
    }
}
