using System.Buffers.Binary;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace Idempotency.AspNetCore;

/// <summary>
/// The versioned format of a stored HTTP response (the raw result the engine keeps for the key).
/// <para>Byte 0 is the format revision (1); byte 1 the kind.</para>
/// <para>
/// Kind 1, a response: bytes 2-5 the body length B (int32, little-endian), then B body bytes, then the status
/// (uint16, little-endian), the header count, and per header its name, its value count and each value; counts and
/// string lengths are 7-bit encoded integers, strings UTF-8. The record ends exactly there.
/// </para>
/// (A response that ran but could not be kept is not a stored response: the engine's "not stored" marker records it.)
/// The body comes first so the capture stream can record it in place, before the headers are known.
/// An unknown revision or kind, or any inconsistency, makes the record unreadable: never guessed at.
/// </summary>
internal static class StoredResponse
{
    public const byte Revision = 1;
    public const byte ResponseKind = 1;

    /// <summary>Where the body starts in a kind-1 record.</summary>
    public const int BodyOffset = 6;

    private const int MaxHeaders = 1000;

    /// <summary>
    /// Why these headers cannot be stored, or <see langword="null"/>: more headers or values than a record may hold (the
    /// reader would refuse them), or a control character in a value (the server refuses to send it, so every replay
    /// would fail as the original did). Checked before storing, so no record is written that cannot be replayed.
    /// </summary>
    public static string? CheckHeaders(List<KeyValuePair<string, StringValues>> headers)
    {
        if (headers.Count > MaxHeaders)
        {
            return $"it has more than {MaxHeaders} headers.";
        }

        foreach (var (name, values) in headers)
        {
            if (values.Count > MaxHeaders)
            {
                return $"its {name} header has more than {MaxHeaders} values.";
            }

            foreach (var value in values)
            {
                if (HasControlCharacter(value))
                {
                    return $"its {name} header holds a control character.";
                }
            }
        }

        return null;
    }

    // Tab is the one control character a header value may hold.
    private static bool HasControlCharacter(string? value) =>
        value is not null && (value.AsSpan().ContainsAnyInRange('\0', '\b') || value.AsSpan().ContainsAnyInRange('\n', '\u001f') || value.Contains('\u007f', StringComparison.Ordinal));

    /// <summary>Completes a recording that holds <see cref="BodyOffset"/> reserved bytes and the body.</summary>
    public static void FinishResponse(PooledBuffer recording, int status, List<KeyValuePair<string, StringValues>> headers)
    {
        var bodyLength = recording.Length - BodyOffset;
        var prefix = recording.WrittenSpan;
        prefix[0] = Revision;
        prefix[1] = ResponseKind;
        BinaryPrimitives.WriteInt32LittleEndian(prefix[2..], bodyLength);

        BinaryPrimitives.WriteUInt16LittleEndian(recording.GetSpan(2), (ushort)status);
        recording.Advance(2);
        WriteCount(recording, headers.Count);
        foreach (var (name, values) in headers)
        {
            WriteString(recording, name);
            WriteCount(recording, values.Count);
            foreach (var value in values)
            {
                WriteString(recording, value ?? string.Empty);
            }
        }
    }

    /// <summary>Decodes a stored record; <see langword="false"/> with a reason when it is unreadable.</summary>
    public static bool TryDecode(ReadOnlyMemory<byte> record, out DecodedResponse response, out string? problem)
    {
        response = default;
        problem = null;
        var span = record.Span;
        if (span.Length < 2)
        {
            problem = $"the stored response is {span.Length} bytes, shorter than its header.";
            return false;
        }

        if (span[0] != Revision)
        {
            problem = $"unknown stored response revision {span[0]}.";
            return false;
        }

        return span[1] switch
        {
            ResponseKind => TryDecodeResponse(record, out response, out problem),
            _ => Fail($"unknown stored response kind {span[1]}.", out response, out problem),
        };
    }

    private static bool TryDecodeResponse(ReadOnlyMemory<byte> record, out DecodedResponse response, out string? problem)
    {
        var span = record.Span;
        if (span.Length < BodyOffset)
        {
            return Fail("the stored response is truncated before its body.", out response, out problem);
        }

        var bodyLength = BinaryPrimitives.ReadInt32LittleEndian(span[2..]);
        if (bodyLength < 0 || bodyLength > span.Length - BodyOffset - 2)
        {
            return Fail("the stored body length does not fit the record.", out response, out problem);
        }

        var position = BodyOffset + bodyLength;
        var status = BinaryPrimitives.ReadUInt16LittleEndian(span[position..]);
        position += 2;
        if (status is < 100 or > 999)
        {
            return Fail($"the stored status {status} is not an HTTP status.", out response, out problem);
        }

        if (!TryReadCount(span, ref position, MaxHeaders, out var headerCount))
        {
            return Fail("the stored header count is malformed.", out response, out problem);
        }

        var headers = new KeyValuePair<string, StringValues>[headerCount];
        for (var i = 0; i < headerCount; i++)
        {
            if (!TryReadString(span, ref position, out var name) || name.Length == 0 || !TryReadCount(span, ref position, MaxHeaders, out var valueCount))
            {
                return Fail("a stored header is malformed.", out response, out problem);
            }

            var values = new string[valueCount];
            for (var v = 0; v < valueCount; v++)
            {
                if (!TryReadString(span, ref position, out values[v]))
                {
                    return Fail("a stored header value is malformed.", out response, out problem);
                }
            }

            headers[i] = new(name, new StringValues(values));
        }

        if (position != span.Length)
        {
            return Fail($"{span.Length - position} unexpected bytes follow the stored headers.", out response, out problem);
        }

        response = new DecodedResponse(status, headers, record.Slice(BodyOffset, bodyLength));
        problem = null;
        return true;
    }

    private static bool Fail(string reason, out DecodedResponse response, out string? problem)
    {
        response = default;
        problem = reason;
        return false;
    }

    private static void WriteCount(PooledBuffer buffer, int value)
    {
        var span = buffer.GetSpan(5);
        var written = 0;
        var remaining = (uint)value;
        while (remaining >= 0x80)
        {
            span[written++] = (byte)(remaining | 0x80);
            remaining >>= 7;
        }

        span[written++] = (byte)remaining;
        buffer.Advance(written);
    }

    private static void WriteString(PooledBuffer buffer, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteCount(buffer, length);
        Encoding.UTF8.GetBytes(value, buffer.GetSpan(length));
        buffer.Advance(length);
    }

    private static bool TryReadCount(ReadOnlySpan<byte> span, ref int position, int max, out int value)
    {
        value = 0;
        var shift = 0;
        while (position < span.Length && shift <= 28)
        {
            var b = span[position++];
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value >= 0 && value <= max;
            }

            shift += 7;
        }

        return false;
    }

    private static bool TryReadString(ReadOnlySpan<byte> span, ref int position, out string value)
    {
        value = string.Empty;
        if (!TryReadCount(span, ref position, int.MaxValue, out var length) || length > span.Length - position)
        {
            return false;
        }

        try
        {
            value = StrictUtf8.GetString(span.Slice(position, length));
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        position += length;
        return true;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}

/// <summary>A decoded stored response: status, headers and body.</summary>
internal readonly record struct DecodedResponse(int Status, KeyValuePair<string, StringValues>[] Headers, ReadOnlyMemory<byte> Body);
