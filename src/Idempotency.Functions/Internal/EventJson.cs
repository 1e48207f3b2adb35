using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Idempotency.JmesPath;

namespace Idempotency.Functions;

/// <summary>
/// Turns an event or function argument into the JSON its expressions select from, and selects. Forms that already are
/// JSON are read as they are; anything else is serialized once. A string is JSON text when it is an event (what a
/// runtime hands a handler that takes the raw event) and a value when it is a function's argument (a quest id).
/// </summary>
/// <remarks>
/// An event that cannot be JSON — a lone surrogate in a string, NaN or an infinity in a number, a default
/// <see cref="JsonElement"/> — is an <see cref="IdempotencyKeyInvalidException"/>, like a payload that is not valid
/// JSON: System.Text.Json would otherwise replace the surrogate with U+FFFD, and distinct strings would share a key.
/// </remarks>
internal sealed class EventJson(JsonSerializerOptions? options)
{
    private readonly JsonSerializerOptions _options = Guarded(options ?? DefaultOptions());

    public JmesPathSelection Select<T>(JmesPathKeySelector selector, T value, bool stringIsJson)
    {
        try
        {
            return value switch
            {
                string json when stringIsJson => selector.Select(json),
                byte[] bytes => selector.Select(bytes),
                ReadOnlyMemory<byte> bytes => selector.Select(bytes.Span),
                JsonElement { ValueKind: JsonValueKind.Undefined } => throw new IdempotencyKeyInvalidException("the event is a default JsonElement, which holds no JSON."),
                JsonElement element => selector.Select(Write(element.WriteTo)),
                JsonDocument document => selector.Select(Write(document.WriteTo)),
                JsonNode node => selector.Select(Write(writer => node.WriteTo(writer))),
                _ => selector.Select(JsonSerializer.SerializeToUtf8Bytes(value, (JsonTypeInfo<T>)_options.GetTypeInfo(typeof(T)))),
            };
        }
        catch (LoneSurrogateEncoder.LoneSurrogateException)
        {
            throw new IdempotencyKeyInvalidException("the event holds a string that is not valid Unicode (a lone surrogate).");
        }
        catch (ArgumentException ex) when (ex is not ArgumentNullException)
        {
            // What System.Text.Json throws for a number JSON cannot hold (double.NaN, infinities), before writing it.
            throw new IdempotencyKeyInvalidException("the event holds a value JSON cannot represent (such as NaN or an infinity).");
        }
        catch (JsonException ex)
        {
            // A cycle, or nesting deeper than the serializer allows: its message names the path and types, never values.
            throw new IdempotencyKeyInvalidException($"the event cannot be written as JSON: {ex.Message}");
        }
    }

    private ReadOnlySpan<byte> Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = _options.Encoder }))
        {
            write(writer);
        }

        return buffer.WrittenSpan;
    }

    private static JsonSerializerOptions Guarded(JsonSerializerOptions options) =>
        new(options) { Encoder = new LoneSurrogateEncoder(options.Encoder ?? JavaScriptEncoder.Default) };

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Apps that trim or use AOT set EventSerializerOptions with a JsonSerializerContext and never reach this default.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "As above.")]
    private static JsonSerializerOptions DefaultOptions() => JsonSerializerOptions.Web;
}
