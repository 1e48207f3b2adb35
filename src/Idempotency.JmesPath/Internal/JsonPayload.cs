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
            // An integer beyond 64 bits keeps every digit.
            return new JValue(BigInteger.Parse(Encoding.UTF8.GetString(literal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
        }

        if (reader.TryGetDouble(out var real) && double.IsFinite(real))
        {
            return new JValue(real);
        }

        throw new InvalidPayloadException(string.Create(CultureInfo.InvariantCulture, $"holds a number out of range (at byte {reader.TokenStartIndex + 1})"));
    }
}
