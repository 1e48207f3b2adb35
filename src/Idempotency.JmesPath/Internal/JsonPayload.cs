using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Newtonsoft.Json.Linq;

namespace Idempotency.JmesPath;

/// <summary>
/// Reads JSON into the token tree JmesPath.Net evaluates. Reading goes through <see cref="Utf8JsonReader"/> rather than
/// Newtonsoft's reader because that one is lenient (comments, single quotes, trailing content) and turns date-like
/// strings into dates, which would change keys; this one is strict and keeps every string exactly as sent.
/// </summary>
/// <remarks>
/// A number that is not a 64-bit integer is read as a <see cref="double"/> for JMESPath (comparisons, sorting,
/// arithmetic) and keeps its literal beside it (<see cref="Literal"/>), so keys and fingerprints come from the exact
/// digits through the core's canonical numbers, never from the rounded double. Reading stays linear in the literal's
/// length: no arbitrary-precision arithmetic, whose parsing and printing cost grows with the square of the digits.
/// </remarks>
internal static class JsonPayload
{
    /// <summary>How deep containers nest, at most: the reader's limit, and the core's canonical JSON's.</summary>
    public const int MaxDepth = 64;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth };
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

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
            // Invalid UTF-8 inside a string, or an escaped lone surrogate, surfaces when the string is transcoded.
            throw new InvalidPayloadException(string.Create(CultureInfo.InvariantCulture, $"is not valid UTF-8 JSON (at byte {reader.TokenStartIndex + 1})"));
        }
    }

    /// <summary>Parses JSON text. A lone surrogate is refused, as its escaped form is: replacing it would make distinct strings one key.</summary>
    /// <exception cref="InvalidPayloadException">The text is not valid JSON or not valid Unicode.</exception>
    public static JToken Parse(string json)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(StrictUtf8.GetMaxByteCount(json.Length));
        try
        {
            int length;
            try
            {
                length = StrictUtf8.GetBytes(json, buffer);
            }
            catch (EncoderFallbackException)
            {
                throw new InvalidPayloadException("is not valid Unicode text (it holds a lone surrogate)");
            }

            return Parse(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The literal a number was read from, or <see langword="null"/> for a 64-bit integer (exact as it is) or a computed number.</summary>
    public static string? Literal(JValue number) => number.Annotation<NumberLiteral>()?.Text;

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

        // Numbers never span segments: the input is one contiguous span. The reader checked the grammar, so the parse
        // cannot fail; a magnitude beyond the double range reads as an infinity, which JMESPath compares correctly.
        var literal = reader.ValueSpan;
        var value = new JValue(double.Parse(literal, NumberStyles.Float, CultureInfo.InvariantCulture));

        // An annotation, not a field: Newtonsoft copies annotations whenever JmesPath.Net clones a token into a result.
        value.AddAnnotation(new NumberLiteral(Encoding.UTF8.GetString(literal)));
        return value;
    }

    private sealed class NumberLiteral(string text)
    {
        public string Text { get; } = text;
    }
}
