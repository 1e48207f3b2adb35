using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Idempotency.Decorators;

/// <summary>
/// The arguments of one call as a JSON object named by parameter (<c>{"orderId":"o-1","amount":12.5}</c>), written
/// with <see cref="IdempotencyOptions.JsonSerializerOptions"/>: what the fingerprint hashes and what a JMESPath key
/// selects from. Generated decorators create one per call (<see cref="IdempotentMethodRunner.CreateArguments"/>).
/// </summary>
public sealed class IdempotentArguments : IDisposable
{
    private readonly JsonSerializerOptions _options;
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private readonly Utf8JsonWriter _writer;
    private bool _complete;

    internal IdempotentArguments(JsonSerializerOptions options)
    {
        _options = options;
        _writer = new Utf8JsonWriter(_buffer);
        _writer.WriteStartObject();
    }

    /// <summary>Gets the JSON object of the arguments added so far; no argument can be added once it has been read.</summary>
    public ReadOnlyMemory<byte> Json
    {
        get
        {
            if (!_complete)
            {
                _writer.WriteEndObject();
                _writer.Flush();
                _complete = true;
            }

            return _buffer.WrittenMemory;
        }
    }

    /// <summary>Adds an argument. Its type's metadata comes from the options' resolver, so a <c>JsonSerializerContext</c> that lists it keeps this trimming- and AOT-safe.</summary>
    /// <typeparam name="T">The parameter's type.</typeparam>
    /// <param name="name">The parameter's name.</param>
    /// <param name="value">The argument.</param>
    /// <exception cref="InvalidOperationException"><see cref="Json"/> was read already.</exception>
    /// <exception cref="NotSupportedException">The configured metadata (for example a <c>JsonSerializerContext</c>) does not know <typeparamref name="T"/>.</exception>
    public void Add<T>(string name, T value)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_complete)
        {
            throw new InvalidOperationException("The arguments were read already: add every argument first.");
        }

        _writer.WritePropertyName(name);
        JsonSerializer.Serialize(_writer, value, (JsonTypeInfo<T>)_options.GetTypeInfo(typeof(T)));
    }

    /// <summary>Computes the fingerprint: the <see cref="ContentHash.ComputeCanonicalJson"/> of the arguments, less some.</summary>
    /// <param name="excludedArguments">The parameters left out (written only because a JMESPath key reads them).</param>
    /// <returns>The fingerprint.</returns>
    public string ComputeFingerprint(params ReadOnlySpan<string> excludedArguments) =>
        ContentHash.ComputeCanonicalJson(Json.Span, excludedArguments);

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();
}
