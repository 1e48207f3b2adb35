using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Idempotency.AspNetCore;

/// <summary>
/// The fingerprint that tells a retry from a key reused with another request: method, path, query, content type,
/// chosen headers and the body, fed to one SHA-256 in a single pass, each part tagged and length-prefixed so no two
/// different requests encode alike. The path is the one requested (not the route pattern), so <c>/orders/1</c> and
/// <c>/orders/2</c> differ.
/// </summary>
internal static class RequestFingerprint
{
    private const int InitialBuffer = 4 * 1024;
    private const int StackLimit = 256;

    // The value changes whenever the encoding below does; nothing stored depends on a previous version.
    private static ReadOnlySpan<byte> Version => "http-v2"u8;

    /// <summary>
    /// Computes the fingerprint; <see langword="null"/> when the body is larger than allowed. When the body was read,
    /// it is installed as the request body for the endpoint and the returned owner (disposed by the caller when the
    /// request ends) puts the server's body back.
    /// </summary>
    public static async ValueTask<(string? Fingerprint, BufferedRequestBody? Body)> ComputeAsync(HttpContext context, IdempotencyMiddlewareOptions options, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (request.ContentLength > options.MaxRequestBodySize)
        {
            return (null, null);
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendRequestLine(hash, request, options);
        if (options.BodyFingerprintSelector is null && options.BodyFingerprint == BodyFingerprint.Ignore)
        {
            AppendTagged(hash, (byte)'n', []);
        }
        else
        {
            var (buffer, length) = await ReadBodyAsync(request, options, cancellationToken).ConfigureAwait(false);
            if (length < 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                return (null, null);
            }

            var body = BufferedRequestBody.Install(context, buffer, length);
            try
            {
                await AppendBodyAsync(hash, context, body.Memory, options).ConfigureAwait(false);
            }
            catch
            {
                body.Dispose();
                throw;
            }

            return (Finish(hash), body);
        }

        return (Finish(hash), null);
    }

    private static void AppendRequestLine(IncrementalHash hash, HttpRequest request, IdempotencyMiddlewareOptions options)
    {
        hash.AppendData(Version);
        AppendString(hash, request.Method);
        AppendString(hash, request.PathBase.HasValue ? (request.PathBase + request.Path).ToString() : request.Path.ToString());
        AppendString(hash, request.QueryString.Value ?? string.Empty);
        AppendString(hash, request.ContentType);
        foreach (var header in options.FingerprintHeaders)
        {
            AppendString(hash, header);
            AppendString(hash, request.Headers.TryGetValue(header, out var values) ? values.ToString() : null);
        }
    }

    private static async ValueTask AppendBodyAsync(IncrementalHash hash, HttpContext context, ReadOnlyMemory<byte> body, IdempotencyMiddlewareOptions options)
    {
        if (options.BodyFingerprintSelector is { } selector)
        {
            var selected = await selector(context, body).ConfigureAwait(false);
            hash.AppendData("s"u8);
            AppendString(hash, selected);
            return;
        }

        if (options.BodyFingerprint == BodyFingerprint.CanonicalJson && body.Length > 0)
        {
            byte[]? canonical = null;
            try
            {
                canonical = ContentHash.CanonicalizeJson(body.Span);
            }
            catch (JsonException)
            {
                // Not JSON, or a number outside the canonical range (1e2147483647): the raw bytes decide, as documented,
                // and the handler will reject the body anyway.
            }

            if (canonical is not null)
            {
                AppendTagged(hash, (byte)'j', canonical);
                return;
            }
        }

        AppendTagged(hash, (byte)'r', body.Span);
    }

    private static void AppendTagged(IncrementalHash hash, byte tag, ReadOnlySpan<byte> bytes)
    {
        Span<byte> prefix = stackalloc byte[9];
        prefix[0] = tag;
        BinaryPrimitives.WriteInt64LittleEndian(prefix[1..], bytes.Length);
        hash.AppendData(prefix);
        hash.AppendData(bytes);
    }

    /// <summary>A string as its UTF-8 bytes with a length prefix; <see langword="null"/> has its own marker, distinct from empty.</summary>
    private static void AppendString(IncrementalHash hash, string? value)
    {
        if (value is null)
        {
            hash.AppendData("~"u8);
            return;
        }

        var count = Encoding.UTF8.GetByteCount(value);
        byte[]? rented = null;
        var bytes = count <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(count));
        try
        {
            var written = Encoding.UTF8.GetBytes(value, bytes);
            AppendTagged(hash, (byte)'=', bytes[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static string Finish(IncrementalHash hash)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        hash.GetHashAndReset(digest);
        return Base64Url.EncodeToString(digest);
    }

    /// <summary>
    /// Reads the whole body into a pooled buffer (the caller returns it). No <c>EnableBuffering</c>: the endpoint
    /// reads this buffer, not a second copy. The length is -1 when the body is larger than the limit.
    /// The buffer starts small and grows only as bytes arrive, whatever <c>Content-Length</c> declares, so memory per
    /// request is bounded by what the client actually sent (at most twice it), not by what it claims it will send.
    /// </summary>
    private static async ValueTask<(byte[] Buffer, int Length)> ReadBodyAsync(HttpRequest request, IdempotencyMiddlewareOptions options, CancellationToken cancellationToken)
    {
        var stream = request.Body;
        var limit = (int)options.MaxRequestBodySize;
        var declared = request.ContentLength;
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(declared ?? InitialBuffer, 1, InitialBuffer));
        var total = 0;
        try
        {
            while (true)
            {
                if (total == declared)
                {
                    // The server never reads past a declared length (checked against the limit already): no probe read.
                    return (buffer, total);
                }

                if (total == limit)
                {
                    // Full at exactly the limit: one more byte decides, read into a tiny probe, not a buffer twice the limit.
                    return (buffer, await ProbeEndAsync(stream, cancellationToken).ConfigureAwait(false) ? total : -1);
                }

                if (total == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit));
                    buffer.AsSpan(0, total).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(total, Math.Min(buffer.Length, limit) - total), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return (buffer, total);
                }

                total += read;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>Whether the stream has ended (the body stopped at the limit) rather than holding another byte.</summary>
    private static async ValueTask<bool> ProbeEndAsync(Stream stream, CancellationToken cancellationToken)
    {
        var probe = ArrayPool<byte>.Shared.Rent(1);
        try
        {
            return await stream.ReadAsync(probe.AsMemory(0, 1), cancellationToken).ConfigureAwait(false) == 0;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(probe);
        }
    }
}
