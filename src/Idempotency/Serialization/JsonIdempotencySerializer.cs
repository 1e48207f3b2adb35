using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Idempotency;

/// <summary>
/// The default serializer, over System.Text.Json. Type metadata comes from the options' resolver, so a
/// <c>JsonSerializerContext</c> makes it trimming- and AOT-safe.
/// </summary>
/// <param name="options">The JSON options.</param>
public sealed class JsonIdempotencySerializer(JsonSerializerOptions options) : IIdempotencySerializer
{
    private readonly JsonSerializerOptions _options = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>Creates the serializer used when no options are configured: web defaults, reflection-based metadata.</summary>
    /// <returns>The serializer.</returns>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Apps that trim or use AOT configure JsonSerializerOptions with a JsonSerializerContext and never reach this default.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "As above.")]
    internal static JsonIdempotencySerializer CreateDefault() => new(JsonSerializerOptions.Web);

    /// <inheritdoc />
    public void Serialize<T>(IBufferWriter<byte> destination, T value)
    {
        using var writer = new Utf8JsonWriter(destination);
        JsonSerializer.Serialize(writer, value, TypeInfo<T>());
    }

    /// <inheritdoc />
    public T Deserialize<T>(ReadOnlySpan<byte> source) => JsonSerializer.Deserialize(source, TypeInfo<T>())!;

    /// <summary>Throws when the configured metadata (for example a <c>JsonSerializerContext</c>) cannot serialize <typeparamref name="T"/>.</summary>
    internal void EnsureSupported<T>() => _ = TypeInfo<T>();

    private JsonTypeInfo<T> TypeInfo<T>() => (JsonTypeInfo<T>)_options.GetTypeInfo(typeof(T));
}
