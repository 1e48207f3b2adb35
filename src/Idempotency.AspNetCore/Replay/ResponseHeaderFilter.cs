using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Idempotency.AspNetCore;

/// <summary>Decides which response headers are stored and replayed: the allow-list minus headers that must never be.</summary>
internal sealed class ResponseHeaderFilter
{
    /// <summary>
    /// Never stored, whatever the allow-list says: credentials and cookies (they belong to one response), hop-by-hop
    /// headers (they belong to one connection), headers the server computes afresh, trace ids and CORS answers (they
    /// belong to the retry's own request).
    /// </summary>
    private static readonly FrozenSet<string> NeverStored = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "Set-Cookie",
        "Set-Cookie2",
        "Authorization",
        "Proxy-Authorization",
        "WWW-Authenticate",
        "Proxy-Authenticate",
        "Authentication-Info",
        "Connection",
        "Keep-Alive",
        "Proxy-Connection",
        "Transfer-Encoding",
        "TE",
        "Trailer",
        "Upgrade",
        "Content-Length",
        "Date",
        "Server",
        "Alt-Svc",
        "traceparent",
        "tracestate",
        "Request-Id",
        "Retry-After");

    private readonly FrozenSet<string> _allowed;

    public ResponseHeaderFilter(IdempotencyMiddlewareOptions options) =>
        _allowed = options.ReplayedResponseHeaders
            .Where(name => !NeverStored.Contains(name)
                && !name.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase)
                && !string.Equals(name, options.ReplayedHeaderName, StringComparison.OrdinalIgnoreCase))
            .ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public bool IsAllowed(string name) => _allowed.Contains(name);

    /// <summary>
    /// The allowed headers to store. <paramref name="contentEncoding"/>, when known, is the coding the handler produced
    /// and replaces whatever middleware outside this one set: the stored body is the handler's, so a coding added
    /// afterwards (response compression) must never be replayed with it.
    /// </summary>
    public List<KeyValuePair<string, StringValues>> Select(IHeaderDictionary headers, StringValues? contentEncoding)
    {
        var selected = new List<KeyValuePair<string, StringValues>>(4);
        foreach (var header in headers)
        {
            if (_allowed.Contains(header.Key) && (contentEncoding is null || !string.Equals(header.Key, HeaderNames.ContentEncoding, StringComparison.OrdinalIgnoreCase)))
            {
                selected.Add(header);
            }
        }

        if (contentEncoding is { Count: > 0 } coding && _allowed.Contains(HeaderNames.ContentEncoding))
        {
            selected.Add(new(HeaderNames.ContentEncoding, coding));
        }

        return selected;
    }
}
