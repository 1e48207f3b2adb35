using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Idempotency.Functions;

/// <summary>
/// Turns an event or function argument into the UTF-8 JSON its expressions select from. Forms that already are JSON are
/// read as they are; anything else is serialized once. A string is JSON text when it is an event (what a runtime hands
/// a handler that takes the raw event) and a value when it is a function's argument (a quest id).
/// </summary>
internal sealed class EventJson(JsonSerializerOptions? options)
{
    private readonly JsonSerializerOptions _options = options ?? DefaultOptions();

    public ReadOnlyMemory<byte> ToUtf8<T>(T value, bool stringIsJson) => value switch
    {
        string json when stringIsJson => Encoding.UTF8.GetBytes(json),
        byte[] bytes => bytes,
        ReadOnlyMemory<byte> bytes => bytes,
        JsonElement element => Write(element.WriteTo),
        JsonDocument document => Write(document.WriteTo),
        JsonNode node => Write(writer => node.WriteTo(writer)),
        _ => JsonSerializer.SerializeToUtf8Bytes(value, (JsonTypeInfo<T>)_options.GetTypeInfo(typeof(T))),
    };

    private static ReadOnlyMemory<byte> Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.WrittenMemory;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Apps that trim or use AOT set EventSerializerOptions with a JsonSerializerContext and never reach this default.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "As above.")]
    private static JsonSerializerOptions DefaultOptions() => JsonSerializerOptions.Web;
}
