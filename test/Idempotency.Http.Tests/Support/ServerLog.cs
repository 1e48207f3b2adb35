using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace Idempotency.Http.Tests;

/// <summary>One request as the server received it: what was really on the wire.</summary>
public sealed record SeenRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string[]> Headers)
{
    /// <summary>Every field value of <paramref name="name"/>, in order; empty when the header was not sent.</summary>
    public string[] Values(string name) => Headers.TryGetValue(name, out var values) ? values : [];

    /// <summary>
    /// The keys a key header named: a Structured Field string (<c>"abc"</c>, as the handler sends generated keys) unquoted,
    /// a bare value (as a test sends its own) as is. The wire format itself is asserted in <c>KeyAttachmentTests</c>.
    /// </summary>
    public string[] Keys(string name) => [.. Values(name).Select(static v => v.Length >= 2 && v[0] == '"' && v[^1] == '"' ? v[1..^1] : v)];
}

/// <summary>Every request the test server received, in arrival order.</summary>
public sealed class ServerLog
{
    private readonly ConcurrentQueue<SeenRequest> _requests = new();

    public IReadOnlyList<SeenRequest> Requests => [.. _requests];

    /// <summary>The requests to one path (query ignored), for example <c>/orders</c>.</summary>
    public IReadOnlyList<SeenRequest> To(string path) =>
        [.. _requests.Where(r => r.PathAndQuery == path || r.PathAndQuery.StartsWith(path + "?", StringComparison.Ordinal))];

    public void Add(HttpRequest request)
    {
        var headers = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = values.ToArray()!;
        }

        _requests.Enqueue(new SeenRequest(request.Method, request.Path + request.QueryString, headers));
    }
}
