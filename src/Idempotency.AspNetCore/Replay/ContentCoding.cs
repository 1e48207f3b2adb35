using System.IO.Compression;
using System.Runtime.InteropServices;
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

    /// <summary>Decodes a body in a coding this server knows (gzip, deflate, br), up to <paramref name="maxLength"/> bytes.</summary>
    public static bool TryDecode(string coding, ReadOnlyMemory<byte> body, int maxLength, out byte[] decoded)
    {
        decoded = [];
        using var source = MemoryMarshal.TryGetArray(body, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(body.ToArray(), writable: false);
        using Stream? decoder = coding.ToLowerInvariant() switch
        {
            "gzip" or "x-gzip" => new GZipStream(source, CompressionMode.Decompress),
            "deflate" => new ZLibStream(source, CompressionMode.Decompress),
            "br" => new BrotliStream(source, CompressionMode.Decompress),
            _ => null,
        };
        if (decoder is null)
        {
            return false;
        }

        using var output = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = decoder.Read(chunk)) > 0)
            {
                if (output.Length + read > maxLength)
                {
                    return false;
                }

                output.Write(chunk, 0, read);
            }
        }
        catch (InvalidDataException)
        {
            return false;
        }

        decoded = output.ToArray();
        return true;
    }
}
