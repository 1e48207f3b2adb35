using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Newtonsoft.Json.Linq;

namespace Idempotency.JmesPath;

/// <summary>
/// Reads JSON into the token tree JmesPath.Net evaluates. Reading goes through <see cref="Utf8JsonReader"/> rather than
/// Newtonsoft's reader because that one is lenient (comments, single quotes, trailing content) and turns date-like
/// strings into dates, which would change keys; this one is strict and keeps every string exactly as sent.
/// </summary>
internal static class JsonPayload
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    // The digits of the largest whole number read exactly: every one below 10^309, the range of a double.
    private const int MaxDigits = 309;

    /// <summary>Parses one JSON value; an empty input reads as JSON <c>null</c>.</summary>
    /// <exception cref="InvalidPayloadException">The input is not valid JSON; the message never quotes it.</exception>
    public static JToken Parse(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.IsEmpty)
        {
            return JValue.CreateNull();
        }

        var reader = new Utf8JsonReader(utf8Json, ReaderOptions);
        try
        {
            reader.Read();
            var token = ReadValue(ref reader);

            // The reader itself throws for anything but whitespace after the value.
            reader.Read();
            return token;
        }
        catch (JsonException ex)
        {
            throw new InvalidPayloadException(string.Create(CultureInfo.InvariantCulture, $"is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})"));
        }
        catch (InvalidOperationException)
        {
            // Invalid UTF-8 inside a string surfaces when the string is transcoded.
            throw new InvalidPayloadException(string.Create(CultureInfo.InvariantCulture, $"is not valid UTF-8 JSON (at byte {reader.TokenStartIndex + 1})"));
        }
    }

    private static JToken ReadValue(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var obj = new JObject();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var name = reader.GetString()!;
                    reader.Read();

                    // A repeated name: the last one wins, as System.Text.Json and Newtonsoft.Json deserialize it, so the
                    // key comes from the value the application itself will see.
                    obj[name] = ReadValue(ref reader);
                }

                return obj;
            case JsonTokenType.StartArray:
                var array = new JArray();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    array.Add(ReadValue(ref reader));
                }

                return array;
            case JsonTokenType.String:
                return new JValue(reader.GetString());
            case JsonTokenType.Number:
                return ReadNumber(ref reader);
            case JsonTokenType.True:
                return new JValue(true);
            case JsonTokenType.False:
                return new JValue(false);
            default:
                return JValue.CreateNull();
        }
    }

    private static JValue ReadNumber(ref Utf8JsonReader reader)
    {
        if (reader.TryGetInt64(out var integer))
        {
            return new JValue(integer);
        }

        // Numbers never span segments: the input is one contiguous span.
        var literal = reader.ValueSpan;
        if (!literal.ContainsAny((byte)'.', (byte)'e', (byte)'E'))
        {
            // An integer beyond 64 bits keeps every digit, within the range of a double (below 10^309): beyond it, it is
            // refused like the same value written with an exponent, and a payload of a million digits cannot cost
            // minutes of parsing and printing (both grow with the square of the digits).
            if (literal.Length - (literal[0] == '-' ? 1 : 0) > MaxDigits)
            {
                throw OutOfRange(ref reader);
            }

            return new JValue(BigInteger.Parse(Encoding.UTF8.GetString(literal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
        }

        if (WholeNumber(literal) is { } whole)
        {
            // A whole number written with a fraction or an exponent is read exactly too, as the same number written as an
            // integer: 1e21, 1.0e21 and 1000000000000000000000 select one key (a double would round the first two).
            return whole >= long.MinValue && whole <= long.MaxValue ? new JValue((long)whole) : new JValue(whole);
        }

        if (reader.TryGetDouble(out var real) && double.IsFinite(real))
        {
            return new JValue(real);
        }

        throw OutOfRange(ref reader);
    }

    private static InvalidPayloadException OutOfRange(ref Utf8JsonReader reader) =>
        new(string.Create(CultureInfo.InvariantCulture, $"holds a number out of range (at byte {reader.TokenStartIndex + 1})"));

    /// <summary>
    /// The value of a number literal (the reader checked its grammar) when it is a whole number within the range of a
    /// double (at most <see cref="MaxDigits"/> digits, so hostile exponents cost nothing); <see langword="null"/> otherwise.
    /// </summary>
    private static BigInteger? WholeNumber(ReadOnlySpan<byte> literal)
    {
        var negative = literal[0] == '-';
        var body = negative ? literal[1..] : literal;
        var exponentAt = body.IndexOfAny((byte)'e', (byte)'E');
        var mantissa = exponentAt < 0 ? body : body[..exponentAt];
        var point = mantissa.IndexOf((byte)'.');
        if (exponentAt < 0 && point >= 0 && mantissa[(point + 1)..].IndexOfAnyExcept((byte)'0') >= 0)
        {
            return null; // the common case, a price such as 12.50: a fraction without an exponent, not all zeros
        }

        var digits = new StringBuilder(mantissa.Length);
        foreach (var b in mantissa)
        {
            if (b != '.')
            {
                digits.Append((char)b);
            }
        }

        // The exponent saturates far beyond the range checked below; the reader allows any number of its digits.
        long exponent = 0;
        if (exponentAt >= 0)
        {
            var text = body[(exponentAt + 1)..];
            var negativeExponent = text[0] == '-';
            foreach (var b in text[(text[0] is (byte)'-' or (byte)'+' ? 1 : 0)..])
            {
                exponent = Math.Min((exponent * 10) + (b - '0'), 1L << 40);
            }

            exponent = negativeExponent ? -exponent : exponent;
        }

        if (point >= 0)
        {
            exponent -= mantissa.Length - point - 1;
        }

        var significant = digits.ToString().TrimStart('0');
        var trimmed = significant.TrimEnd('0');
        exponent += significant.Length - trimmed.Length;
        if (trimmed.Length == 0)
        {
            return BigInteger.Zero;
        }

        if (exponent < 0 || trimmed.Length + exponent > MaxDigits)
        {
            return null;
        }

        var value = BigInteger.Parse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture) * BigInteger.Pow(10, (int)exponent);
        return negative ? -value : value;
    }
}
