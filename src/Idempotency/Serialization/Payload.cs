using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace Idempotency;

/// <summary>
/// The versioned format of <see cref="IdempotencyRecord.Payload"/>:
/// byte 0 revision (1), byte 1 <see cref="PayloadKind"/>, byte 2 flags (bit 0: Brotli), then, when compressed, the
/// body length as a 4-byte little-endian integer, then the body. An unknown revision is unreadable, never guessed at.
/// </summary>
internal static class Payload
{
    public const byte Revision = 1;
    private const byte Compressed = 1;
    public const int HeaderLength = 3;

    public static byte[] Encode(PayloadKind kind, ReadOnlySpan<byte> body, int compressionThreshold)
    {
        if (compressionThreshold > 0 && body.Length > compressionThreshold)
        {
            var compressed = ArrayPool<byte>.Shared.Rent(BrotliEncoder.GetMaxCompressedLength(body.Length));
            try
            {
                if (BrotliEncoder.TryCompress(body, compressed, out var written, quality: 1, window: 22) && written + 4 < body.Length)
                {
                    var result = new byte[HeaderLength + 4 + written];
                    WriteHeader(result, kind, Compressed);
                    BinaryPrimitives.WriteInt32LittleEndian(result.AsSpan(HeaderLength), body.Length);
                    compressed.AsSpan(0, written).CopyTo(result.AsSpan(HeaderLength + 4));
                    return result;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(compressed);
            }
        }

        var plain = new byte[HeaderLength + body.Length];
        WriteHeader(plain, kind, flags: 0);
        body.CopyTo(plain.AsSpan(HeaderLength));
        return plain;
    }

    /// <summary>Reads the kind and body; throws <see cref="IdempotencyRecordCorruptException"/> for anything it does not understand.</summary>
    public static (PayloadKind Kind, ReadOnlyMemory<byte> Body) Decode(string storeKey, ReadOnlyMemory<byte> payload, int maxBodyLength)
    {
        var span = payload.Span;
        if (span.Length < HeaderLength)
        {
            throw new IdempotencyRecordCorruptException(storeKey, $"the payload is {span.Length} bytes, shorter than its header.");
        }

        if (span[0] != Revision)
        {
            throw new IdempotencyRecordCorruptException(storeKey, $"unknown payload revision {span[0]}.");
        }

        var kind = (PayloadKind)span[1];
        if (kind is < PayloadKind.Value or > PayloadKind.NotStored || span[2] > Compressed)
        {
            throw new IdempotencyRecordCorruptException(storeKey, $"unknown payload kind {span[1]} or flags {span[2]}.");
        }

        if (span[2] != Compressed)
        {
            return (kind, payload[HeaderLength..]);
        }

        if (span.Length < HeaderLength + 4)
        {
            throw new IdempotencyRecordCorruptException(storeKey, "the compressed payload is truncated.");
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(span[HeaderLength..]);
        if (length < 0 || length > maxBodyLength)
        {
            // Checked before allocating: the stated length is the record's word, and a hostile record could claim any.
            throw new IdempotencyRecordCorruptException(storeKey, $"the compressed payload claims {length} bytes, more than the {maxBodyLength}-byte MaxResultSize.");
        }

        var body = new byte[length];
        if (!BrotliDecoder.TryDecompress(span[(HeaderLength + 4)..], body, out var written) || written != length)
        {
            throw new IdempotencyRecordCorruptException(storeKey, "the compressed payload does not decompress to its stated length.");
        }

        return (kind, body);
    }

    public static void WriteHeader(Span<byte> destination, PayloadKind kind, byte flags)
    {
        destination[0] = Revision;
        destination[1] = (byte)kind;
        destination[2] = flags;
    }
}
