using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Idempotency;

/// <summary>
/// Writes JSON in a canonical form close to RFC 8785: properties sorted by UTF-16 code units, no whitespace, minimal
/// string escapes, and numbers normalized exactly (digits and exponent, never through <see cref="double"/>, so large
/// integers keep every digit). A number whose decimal exponent in scientific form exceeds ±<see cref="MaxExponent"/>
/// is refused with a <see cref="JsonException"/>, so hostile exponents cost neither overflow nor memory.
/// </summary>
internal static class CanonicalJson
{
    public static void Write(ReadOnlySpan<byte> utf8Json, IBufferWriter<byte> output, ReadOnlySpan<string> excludedTopLevel)
    {
        var reader = new Utf8JsonReader(utf8Json);
        using var document = JsonDocument.ParseValue(ref reader);
        if (reader.Read())
        {
            throw new JsonException("Unexpected content after the JSON value.");
        }

        try
        {
            WriteValue(document.RootElement, output, excludedTopLevel);
        }
        catch (InvalidOperationException ex)
        {
            // The reader accepts invalid UTF-8 and lone surrogate escapes inside strings; decoding them fails here.
            // Report them as the invalid JSON they are, as documented.
            throw new JsonException("The JSON text holds a string that is not valid Unicode.", ex);
        }
    }

    private static void WriteValue(JsonElement element, IBufferWriter<byte> output, ReadOnlySpan<string> excluded)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(element, output, excluded);
                break;
            case JsonValueKind.Array:
                Append(output, "[");
                var first = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!first)
                    {
                        Append(output, ",");
                    }

                    first = false;
                    WriteValue(item, output, []);
                }

                Append(output, "]");
                break;
            case JsonValueKind.String:
                WriteString(element.GetString()!, output);
                break;
            case JsonValueKind.Number:
                Append(output, NormalizeNumber(element.GetRawText()));
                break;
            default:
                Append(output, element.GetRawText());
                break;
        }
    }

    private static void WriteObject(JsonElement element, IBufferWriter<byte> output, ReadOnlySpan<string> excluded)
    {
        var properties = new List<JsonProperty>();
        foreach (var property in element.EnumerateObject())
        {
            if (!excluded.Contains(property.Name))
            {
                properties.Add(property);
            }
        }

        // Stable sort: duplicate names keep their document order.
        var sorted = properties.Select((p, i) => (p, i)).OrderBy(x => x.p.Name, StringComparer.Ordinal).ThenBy(x => x.i);
        Append(output, "{");
        var first = true;
        foreach (var (property, _) in sorted)
        {
            if (!first)
            {
                Append(output, ",");
            }

            first = false;
            WriteString(property.Name, output);
            Append(output, ":");
            WriteValue(property.Value, output, []);
        }

        Append(output, "}");
    }

    private static void WriteString(string value, IBufferWriter<byte> output)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case < ' ': builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: builder.Append(c); break;
            }
        }

        Append(output, builder.Append('"').ToString());
    }

    /// <summary>
    /// The largest magnitude of a number's decimal exponent in scientific form (<c>1e+999999</c>, <c>1e-999999</c>), the
    /// range of Python's default <c>decimal</c> context. It bounds the value, not the spelling: <c>1e400</c> and
    /// <c>10e399</c> are both accepted (as <c>1e+400</c>), <c>1e1000000</c> and <c>10e999999</c> are both refused.
    /// </summary>
    internal const int MaxExponent = 999_999;

    // Where a parsed exponent stops growing: far above MaxExponent plus the longest possible mantissa (under 2^31
    // digits), so a saturated exponent is still out of range, and far below long overflow.
    private const long ExponentSaturation = 1L << 40;

    /// <summary>Normalizes a JSON number literal exactly: <c>1.50e1</c>, <c>15.0</c> and <c>15</c> all give <c>15</c>.</summary>
    /// <exception cref="JsonException">The number is not zero and its scientific exponent exceeds <see cref="MaxExponent"/>.</exception>
    internal static string NormalizeNumber(string literal)
    {
        var negative = literal[0] == '-';
        var body = negative ? literal[1..] : literal;
        var exponentAt = body.IndexOfAny(['e', 'E']);

        // long, parsed with saturation: the literal's exponent may have any number of digits (1e99999999999), and the
        // adjustments below must not wrap around (1e2147483647 once wrapped into a 2 GB run of zeros).
        var exponent = exponentAt < 0 ? 0 : ParseExponent(body.AsSpan(exponentAt + 1));
        var mantissa = exponentAt < 0 ? body : body[..exponentAt];
        var point = mantissa.IndexOf('.');
        var digits = point < 0 ? mantissa : string.Concat(mantissa.AsSpan(0, point), mantissa.AsSpan(point + 1));
        if (point >= 0)
        {
            exponent -= mantissa.Length - point - 1;
        }

        digits = digits.TrimStart('0');
        var trimmed = digits.TrimEnd('0');
        exponent += digits.Length - trimmed.Length;
        digits = trimmed;
        if (digits.Length == 0)
        {
            return "0"; // zero is zero whatever its exponent
        }

        var pointPosition = digits.Length + exponent; // digits before the decimal point
        var scientificExponent = pointPosition - 1;
        if (Math.Abs(scientificExponent) > MaxExponent)
        {
            // Checked on the value, so every spelling of one number is either accepted alike or refused alike.
            throw new JsonException($"A JSON number is out of the supported range (a decimal exponent beyond ±{MaxExponent}).");
        }

        // From here on the output is the digits plus at most 21 characters, so its size follows the input's.
        var sign = negative ? "-" : string.Empty;
        if (exponent >= 0 && pointPosition <= 21)
        {
            return sign + digits + new string('0', (int)exponent);
        }

        if (exponent < 0 && pointPosition > 0)
        {
            return sign + digits[..(int)pointPosition] + "." + digits[(int)pointPosition..];
        }

        if (exponent < 0 && pointPosition > -6)
        {
            return sign + "0." + new string('0', (int)-pointPosition) + digits;
        }

        var fraction = digits.Length > 1 ? "." + digits[1..] : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{digits[0]}{fraction}e{(scientificExponent >= 0 ? "+" : "-")}{Math.Abs(scientificExponent)}");
    }

    /// <summary>Parses the exponent digits after <c>e</c> (sign optional; the reader validated the grammar), saturating at <see cref="ExponentSaturation"/>.</summary>
    private static long ParseExponent(ReadOnlySpan<char> text)
    {
        var negative = text[0] == '-';
        if (text[0] is '-' or '+')
        {
            text = text[1..];
        }

        long value = 0;
        foreach (var c in text)
        {
            value = Math.Min((value * 10) + (c - '0'), ExponentSaturation);
        }

        return negative ? -value : value;
    }

    private static void Append(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }
}
