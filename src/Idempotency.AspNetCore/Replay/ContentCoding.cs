using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Idempotency.AspNetCore;

/// <summary>
/// Per-request negotiation of a stored response's content coding. A response stored compressed (response compression
/// inside the idempotency middleware) is replayed compressed only to a retry that accepts the coding; any other retry
/// gets the decoded body, as the endpoint would have sent it to that client.
/// </summary>
internal static class ContentCoding
{
    /// <summary>
    /// Whether a request with these <c>Accept-Encoding</c> values accepts <paramref name="coding"/>. A request without the
    /// header is taken to accept none: clients that do not decode (HttpClient by default) send none.
    /// </summary>
    public static bool IsAccepted(StringValues acceptEncoding, string coding)
    {
        if (!StringWithQualityHeaderValue.TryParseList(acceptEncoding, out var offers))
        {
            return false;
        }

        double? wildcard = null;
        foreach (var offer in offers)
        {
            if (offer.Value.Equals(coding, StringComparison.OrdinalIgnoreCase))
            {
                return (offer.Quality ?? 1) > 0;
            }

            if (offer.Value.Equals("*", StringComparison.Ordinal))
            {
                wildcard = offer.Quality ?? 1;
            }
        }

        return wildcard > 0;
    }

    /// <summary>
    /// Why a response with these headers and body could not be replayed to a retry that does not accept its coding, or
    /// <see langword="null"/> when it can: no coding, or one coding this server decodes within <paramref name="maxLength"/>.
    /// </summary>
    public static string? CheckReplayable(List<KeyValuePair<string, StringValues>> headers, ReadOnlyMemory<byte> body, int maxLength)
    {
        foreach (var (name, values) in headers)
        {
            if (!string.Equals(name, HeaderNames.ContentEncoding, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var coding = values.Count == 1 ? values[0]?.Trim() : null;
            if (string.IsNullOrEmpty(coding) || coding.Contains(',', StringComparison.Ordinal))
            {
                return $"its Content-Encoding '{values}' is not one content coding.";
            }

            if (coding.Equals("identity", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            return ContentDecoder.TryDecode(coding, body, maxLength, out _)
                ? null
                : $"its body is not valid '{coding}' this server can decode within the {maxLength}-byte replay limit.";
        }

        return null;
    }
}
