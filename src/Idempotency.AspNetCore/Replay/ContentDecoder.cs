using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace Idempotency.AspNetCore;

/// <summary>
/// Decodes a body in a content coding this server knows (gzip, deflate, br), in bounded memory, and only when the body is
/// whole: the .NET decoding streams end quietly on truncated input, so gzip's length trailer, zlib's Adler-32 trailer and
/// brotli's end marker are checked here.
/// </summary>
internal static class ContentDecoder
{
    private const int Chunk = 16 * 1024;

    /// <summary>Decodes <paramref name="body"/>; <see langword="false"/> when the coding is unknown, the body is damaged or truncated, or it decodes to more than <paramref name="maxLength"/> bytes.</summary>
    public static bool TryDecode(string coding, ReadOnlyMemory<byte> body, int maxLength, out byte[] decoded)
    {
        decoded = [];
        var output = new MemoryStream();
        var whole = coding.ToLowerInvariant() switch
        {
            "gzip" or "x-gzip" => Inflate(new GZipStream(AsStream(body), CompressionMode.Decompress), maxLength, output) && GzipLengthMatches(body.Span, output.Length),
            "deflate" => Inflate(new ZLibStream(AsStream(body), CompressionMode.Decompress), maxLength, output) && AdlerMatches(body.Span, output),
            "br" => Unbrotli(body.Span, maxLength, output),
            _ => false,
        };
        if (whole)
        {
            decoded = output.ToArray();
        }

        return whole;
    }

    private static MemoryStream AsStream(ReadOnlyMemory<byte> body) =>
        MemoryMarshal.TryGetArray(body, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(body.ToArray(), writable: false);

    private static bool Inflate(Stream decoder, int maxLength, MemoryStream output)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(Chunk);
        try
        {
            using (decoder)
            {
                int read;
                while ((read = decoder.Read(chunk, 0, Chunk)) > 0)
                {
                    if (output.Length + read > maxLength)
                    {
                        return false;
                    }

                    output.Write(chunk, 0, read);
                }
            }

            return true;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            // Damaged data is InvalidDataException; zlib's other refusals (a header asking for a preset dictionary)
            // are ZLibException, an IOException.
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    // A gzip member ends with the decoded length modulo 2^32 (RFC 1952); a truncated body ends in compressed data instead.
    private static bool GzipLengthMatches(ReadOnlySpan<byte> body, long decodedLength) =>
        body.Length >= 18 && BinaryPrimitives.ReadUInt32LittleEndian(body[^4..]) == (uint)decodedLength;

    // A zlib stream ends with the Adler-32 of the decoded bytes, big-endian (RFC 1950).
    private static bool AdlerMatches(ReadOnlySpan<byte> body, MemoryStream output)
    {
        if (body.Length < 6)
        {
            return false;
        }

        uint a = 1, b = 0;
        foreach (var value in output.GetBuffer().AsSpan(0, (int)output.Length))
        {
            a = (a + value) % 65521;
            b = (b + a) % 65521;
        }

        return BinaryPrimitives.ReadUInt32BigEndian(body[^4..]) == ((b << 16) | a);
    }

    // The brotli decoder says whether the stream reached its end marker (Done) or stopped short (NeedMoreData).
    private static bool Unbrotli(ReadOnlySpan<byte> body, int maxLength, MemoryStream output)
    {
        using var decoder = new BrotliDecoder();
        var chunk = ArrayPool<byte>.Shared.Rent(Chunk);
        try
        {
            while (true)
            {
                var status = decoder.Decompress(body, chunk, out var consumed, out var written);
                body = body[consumed..];
                if (output.Length + written > maxLength)
                {
                    return false;
                }

                output.Write(chunk, 0, written);
                switch (status)
                {
                    case OperationStatus.Done:
                        return body.IsEmpty;
                    case OperationStatus.DestinationTooSmall:
                        continue;
                    default:
                        return false;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }
}
