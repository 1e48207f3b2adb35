using System.Buffers.Binary;
using System.Text;

namespace Idempotency.Cli.Output;

/// <summary>
/// Reads a response stored by the ASP.NET Core middleware (its StoredResponse format, revision 1 kind 1: body length,
/// body, status, headers) into "201 {body} | Location: /orders/7", with credential headers and secret JSON fields redacted.
/// </summary>
internal static class HttpResponsePreview
{
    private const int BodyOffset = 6;
    private const int MaxHeaders = 1000;

    public static string? TryRead(ReadOnlySpan<byte> record)
    {
        if (record.Length < BodyOffset + 2 || record[0] != 1 || record[1] != 1)
        {
            return null;
        }

        var bodyLength = BinaryPrimitives.ReadInt32LittleEndian(record[2..]);
        if (bodyLength < 0 || bodyLength > record.Length - BodyOffset - 2)
        {
            return null;
        }

        var position = BodyOffset + bodyLength;
        var status = BinaryPrimitives.ReadUInt16LittleEndian(record[position..]);
        position += 2;
        if (status is < 100 or > 999 || !TryReadCount(record, ref position, MaxHeaders, out var headerCount))
        {
            return null;
        }

        // Status and body first (what an operator looks for), then the stored headers.
        var headers = new StringBuilder();
        for (var i = 0; i < headerCount; i++)
        {
            if (!TryReadString(record, ref position, out var name) || !TryReadCount(record, ref position, MaxHeaders, out var valueCount))
            {
                return null;
            }

            for (var v = 0; v < valueCount; v++)
            {
                if (!TryReadString(record, ref position, out var value))
                {
                    return null;
                }

                headers.Append(headers.Length == 0 ? " | " : "; ").Append(name).Append(": ").Append(SecretRedactor.IsSecretHeader(name) ? SecretRedactor.Mask : value);
            }
        }

        var body = PayloadPreview.Decode(record.Slice(BodyOffset, bodyLength));
        return $"{status} {SecretRedactor.RedactJson(body)}{headers}";
    }

    private static bool TryReadCount(ReadOnlySpan<byte> span, ref int position, int max, out int value)
    {
        value = 0;
        for (var shift = 0; position < span.Length && shift <= 28; shift += 7)
        {
            var b = span[position++];
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value >= 0 && value <= max;
            }
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

        value = PayloadPreview.Printable(span.Slice(position, length));
        position += length;
        return true;
    }
}
