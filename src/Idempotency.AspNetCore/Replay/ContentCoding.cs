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
            if (SameCoding(offer.Value.Value, coding))
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
    /// Why a body the handler sent with <paramref name="values"/> as its <c>Content-Encoding</c> could not be replayed to
    /// every retry, or <see langword="null"/> when it can: no coding, or one coding that is replayed and that this server
    /// decodes within <paramref name="maxLength"/> (for a retry that does not accept it).
    /// </summary>
    public static string? CheckReplayable(StringValues values, bool codingReplayed, ReadOnlyMemory<byte> body, int maxLength)
    {
        if (StringValues.IsNullOrEmpty(values))
        {
            return null;
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

        if (!codingReplayed)
        {
            return $"its body is '{coding}'-coded and Content-Encoding is not in ReplayedResponseHeaders, so a replay could not be read.";
        }

        return ContentDecoder.TryDecode(coding, body, maxLength, out _)
            ? null
            : $"its body is not valid '{coding}' this server can decode within the {maxLength}-byte replay limit.";
    }

    // x-gzip is gzip (RFC 9110 §8.4.1.3): refusing one refuses the other.
    private static bool SameCoding(string? offered, string coding) =>
        string.Equals(Canonical(offered), Canonical(coding), StringComparison.OrdinalIgnoreCase);

    private static string? Canonical(string? coding) =>
        string.Equals(coding, "x-gzip", StringComparison.OrdinalIgnoreCase) ? "gzip" : coding;
}
