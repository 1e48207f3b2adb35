using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

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
                Append(output, "["u8);
                var first = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!first)
                    {
                        Append(output, ","u8);
                    }

                    first = false;
                    WriteValue(item, output, []);
                }

                Append(output, "]"u8);
                break;
            case JsonValueKind.String:
                WriteString(element, output);
                break;
            case JsonValueKind.Number:
                WriteNumber(element, output);
                break;
            default:
                Append(output, element.GetRawText());
                break;
        }
    }

    private static void WriteObject(JsonElement element, IBufferWriter<byte> output, ReadOnlySpan<string> excluded)
    {
        // A pooled array and an in-place sort: no list, no LINQ ordering per object.
        var properties = ArrayPool<Member>.Shared.Rent(Math.Max(4, element.GetPropertyCount()));
        var count = 0;
        try
        {
            foreach (var property in element.EnumerateObject())
            {
                var name = property.Name;
                if (!excluded.Contains(name))
                {
                    properties[count] = new Member(name, count, property.Value);
                    count++;
                }
            }

            // Stable: duplicate names keep their document order.
            var members = properties.AsSpan(0, count);
            members.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name) is var byName and not 0 ? byName : a.Order.CompareTo(b.Order));
            Append(output, "{"u8);
            for (var i = 0; i < members.Length; i++)
            {
                if (i > 0)
                {
                    Append(output, ","u8);
                }

                WriteString(members[i].Name, output);
                Append(output, ":"u8);
                WriteValue(members[i].Value, output, []);
            }

            Append(output, "}"u8);
        }
        finally
        {
            properties.AsSpan(0, count).Clear();
            ArrayPool<Member>.Shared.Return(properties);
        }
    }

    // A string without escapes in the document is its own canonical form (JSON forbids raw quotes, backslashes and control
    // characters in strings): copied as it is, once its UTF-8 is known to be valid (decoding it would have failed).
    private static void WriteString(JsonElement element, IBufferWriter<byte> output)
    {
        var raw = JsonMarshal.GetRawUtf8Value(element);
        if (raw.Contains((byte)'\\'))
        {
            WriteString(element.GetString()!, output);
            return;
        }

        if (raw is [(byte)'"', .., (byte)'"'] && raw.Length >= 2)
        {
            raw = raw[1..^1];
        }

        if (!Utf8.IsValid(raw))
        {
            throw new InvalidOperationException("The JSON string is not valid UTF-8.");
        }

        Append(output, "\""u8);
        Append(output, raw);
        Append(output, "\""u8);
    }

    private static void WriteString(string value, IBufferWriter<byte> output)
    {
        Append(output, "\""u8);
        var run = 0; // start of the characters not yet written, which need no escape
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is not ('"' or '\\' or < ' '))
            {
                continue;
            }

            Append(output, value.AsSpan(run, i - run));
            run = i + 1;
            switch (c)
            {
                case '"': Append(output, "\\\""u8); break;
                case '\\': Append(output, "\\\\"u8); break;
                case '\b': Append(output, "\\b"u8); break;
                case '\f': Append(output, "\\f"u8); break;
                case '\n': Append(output, "\\n"u8); break;
                case '\r': Append(output, "\\r"u8); break;
                case '\t': Append(output, "\\t"u8); break;
                default:
                    Span<byte> escape = [(byte)'\\', (byte)'u', (byte)'0', (byte)'0', Hex(c >> 4), Hex(c & 0xF)];
                    Append(output, escape);
                    break;
            }
        }

        Append(output, value.AsSpan(run));
        Append(output, "\""u8);
    }

    private static byte Hex(int digit) => (byte)(digit < 10 ? '0' + digit : 'a' + digit - 10);

    // An integer of at most 21 digits is already canonical (JSON forbids leading zeros), unless it is "-0", the one
    // spelling of zero with a sign. Anything else (a fraction, an exponent, more digits, minus zero) is normalized.
    private static void WriteNumber(JsonElement element, IBufferWriter<byte> output)
    {
        var raw = JsonMarshal.GetRawUtf8Value(element);
        var digits = raw.Length - (raw[0] == (byte)'-' ? 1 : 0);
        if (digits <= 21 && raw.IndexOfAny(".eE"u8) < 0 && !raw.SequenceEqual("-0"u8))
        {
            Append(output, raw);
            return;
        }

        Append(output, NormalizeNumber(element.GetRawText()));
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

    private static void Append(IBufferWriter<byte> output, ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }

        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    private static void Append(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }

    /// <summary>An object's property as it is sorted: by name, then by where it stood.</summary>
    private readonly record struct Member(string Name, int Order, JsonElement Value);
}
