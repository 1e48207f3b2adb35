using System.Buffers.Binary;
using System.Text;
using Grpc.Core;

namespace Idempotency.Grpc;

/// <summary>
/// The stored result of a unary call: its status and, when OK, the response message as the method's marshaller
/// serialized it. Layout: a format byte, the status code (int32, little-endian), the detail's length (int32) and UTF-8
/// bytes, then the message bytes.
/// </summary>
internal readonly record struct StoredCall(StatusCode Code, string Detail, ReadOnlyMemory<byte> Message)
{
    private const byte Format = 1;
    private const int HeaderLength = 9;

    public byte[] Encode()
    {
        var detailLength = Encoding.UTF8.GetByteCount(Detail);
        var bytes = new byte[HeaderLength + detailLength + Message.Length];
        bytes[0] = Format;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(1), (int)Code);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(5), detailLength);
        Encoding.UTF8.GetBytes(Detail, bytes.AsSpan(HeaderLength));
        Message.Span.CopyTo(bytes.AsSpan(HeaderLength + detailLength));
        return bytes;
    }

    /// <summary>Reads a record; <see langword="null"/> when the bytes are not one (another integration wrote the key, or it is damaged).</summary>
    public static StoredCall? Decode(ReadOnlyMemory<byte> raw)
    {
        var span = raw.Span;
        if (span.Length < HeaderLength || span[0] != Format)
        {
            return null;
        }

        var code = BinaryPrimitives.ReadInt32LittleEndian(span[1..]);
        var detailLength = BinaryPrimitives.ReadInt32LittleEndian(span[5..]);
        if (detailLength < 0 || detailLength > span.Length - HeaderLength || !Enum.IsDefined((StatusCode)code))
        {
            return null;
        }

        var detail = Encoding.UTF8.GetString(span.Slice(HeaderLength, detailLength));
        return new StoredCall((StatusCode)code, detail, raw[(HeaderLength + detailLength)..]);
    }
}
