using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Idempotency.JmesPath;

/// <summary>
/// Writes a selected token as UTF-8 JSON for the core's canonical form: numbers read from the payload as the literal
/// they were sent as (<see cref="JsonPayload.Literal"/>), so canonical JSON normalizes their exact digits.
/// </summary>
internal static class SelectedJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true, MaxDepth = JsonPayload.MaxDepth + 1 };

    /// <exception cref="UnrepresentableSelectionException">
    /// The value nests deeper than the canonical form reads, or holds NaN, an infinity or a lone surrogate (only
    /// expressions make those: arithmetic, string functions).
    /// </exception>
    public static ReadOnlySpan<byte> Write(JToken value, ArrayBufferWriter<byte> buffer)
    {
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteValue(writer, value, depth: 0);
        }

        return buffer.WrittenSpan;
    }

    private static void WriteValue(Utf8JsonWriter writer, JToken value, int depth)
    {
        switch (value)
        {
            case JObject obj:
                Enter(depth);
                writer.WriteStartObject();
                foreach (var property in obj.Properties())
                {
                    writer.WritePropertyName(CheckedString(property.Name));
                    WriteValue(writer, property.Value, depth + 1);
                }

                writer.WriteEndObject();
                break;
            case JArray array:
                Enter(depth);
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteValue(writer, item, depth + 1);
                }

                writer.WriteEndArray();
                break;
            case JValue scalar:
                WriteScalar(writer, scalar);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    private static void WriteScalar(Utf8JsonWriter writer, JValue value)
    {
        switch (value.Value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(CheckedString(text));
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case long integer:
                writer.WriteNumberValue(integer);
                break;
            case double when JsonPayload.Literal(value) is { } literal:
                // The reader validated the literal; its digits, not the rounded double, are what the payload said.
                writer.WriteRawValue(literal, skipInputValidation: true);
                break;
            case double real:
                writer.WriteNumberValue(double.IsFinite(real) ? real : throw new UnrepresentableSelectionException("a number JSON cannot represent (NaN or infinity)"));
                break;
            case IFormattable number when value.Type is JTokenType.Integer or JTokenType.Float:
                // What JmesPath.Net's functions compute (int, decimal): written as their invariant text.
                writer.WriteRawValue(number.ToString(null, CultureInfo.InvariantCulture), skipInputValidation: false);
                break;
            default:
                writer.WriteRawValue(value.ToString(Formatting.None), skipInputValidation: false);
                break;
        }
    }

    private static void Enter(int depth)
    {
        if (depth >= JsonPayload.MaxDepth)
        {
            throw new UnrepresentableSelectionException(string.Create(CultureInfo.InvariantCulture, $"a value nested deeper than {JsonPayload.MaxDepth} levels"));
        }
    }

    private static string CheckedString(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                // Payload strings never hold one (they are read strictly); a string function can split a pair.
                throw new UnrepresentableSelectionException("a string that is not valid Unicode (a lone surrogate)");
            }
        }

        return text;
    }
}
