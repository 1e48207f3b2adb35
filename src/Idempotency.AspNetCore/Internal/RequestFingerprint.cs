using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Idempotency.AspNetCore;

/// <summary>
/// The fingerprint that tells a retry from a key reused with another request: method, path, query, content type,
/// chosen headers and a hash of the body, joined with an unambiguous encoding and hashed. The path is the one
/// requested (not the route pattern), so <c>/orders/1</c> and <c>/orders/2</c> differ.
/// </summary>
internal static class RequestFingerprint
{
    private const int ReadChunk = 16 * 1024;
    private const string Version = "http-v1";

    /// <summary>Computes the fingerprint, buffering the body so the handler can still read it; <see langword="null"/> when the body is larger than allowed.</summary>
    public static async ValueTask<string?> ComputeAsync(HttpContext context, HttpIdempotencyOptions options, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (request.ContentLength > options.MaxRequestBodySize)
        {
            return null;
        }

        string bodyPart;
        if (options.BodyFingerprintSelector is null && options.BodyFingerprint == HttpBodyFingerprint.Ignore)
        {
            bodyPart = string.Empty;
        }
        else
        {
            var (buffer, length) = await ReadBodyAsync(request, options, cancellationToken).ConfigureAwait(false);
            try
            {
                if (length < 0)
                {
                    return null;
                }

                bodyPart = await BodyPartAsync(context, buffer.AsMemory(0, length), options).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        var parts = new string?[5 + (2 * options.FingerprintHeaders.Count)];
        parts[0] = Version;
        parts[1] = request.Method;
        parts[2] = (request.PathBase + request.Path).ToString();
        parts[3] = request.QueryString.Value ?? string.Empty;
        parts[4] = request.ContentType;
        var index = 5;
        foreach (var header in options.FingerprintHeaders)
        {
            parts[index++] = header.ToUpperInvariant();
            parts[index++] = request.Headers.TryGetValue(header, out var values) ? values.ToString() : null;
        }

        return ContentHash.Compute(Encoding.UTF8.GetBytes(IdempotencyKeys.Composite([.. parts, bodyPart])));
    }

    private static async ValueTask<string> BodyPartAsync(HttpContext context, ReadOnlyMemory<byte> body, HttpIdempotencyOptions options)
    {
        if (options.BodyFingerprintSelector is { } selector)
        {
            return "selected:" + await selector(context, body).ConfigureAwait(false);
        }

        if (options.BodyFingerprint == HttpBodyFingerprint.CanonicalJson && body.Length > 0)
        {
            try
            {
                return "json:" + ContentHash.ComputeCanonicalJson(body.Span);
            }
            catch (JsonException)
            {
                // Not JSON: the raw bytes decide, and the handler will reject the body anyway.
            }
        }

        return "raw:" + ContentHash.Compute(body.Span);
    }

    /// <summary>
    /// Reads the whole body into a pooled buffer (the caller returns it), then rewinds the body for the handler.
    /// The length is -1 when the body is larger than the limit.
    /// </summary>
    private static async ValueTask<(byte[] Buffer, int Length)> ReadBodyAsync(HttpRequest request, HttpIdempotencyOptions options, CancellationToken cancellationToken)
    {
        request.EnableBuffering();
        var stream = request.Body;
        var limit = options.MaxRequestBodySize;
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(256, request.ContentLength ?? ReadChunk));
        var total = 0;
        try
        {
            while (true)
            {
                if (total == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, total).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                total += read;
                if (total > limit)
                {
                    return (buffer, -1);
                }
            }

            stream.Position = 0;
            return (buffer, total);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
