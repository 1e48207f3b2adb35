using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Idempotency;

/// <summary>
/// The services an engine shares with the claims it hands out. A claim talks to these, never back to the engine, so the
/// engine decides (resolve → claim → answer) and the claim owns its own lifecycle.
/// </summary>
internal sealed class EngineContext(
    IdempotencyOptions options,
    StoreCalls store,
    IIdempotencySerializer serializer,
    TimeProvider clock,
    ILogger logger,
    EngineTelemetry telemetry,
    LocalRecordCache? cache)
{
    public IdempotencyOptions Options { get; } = options;

    public StoreCalls Store { get; } = store;

    public IIdempotencySerializer Serializer { get; } = serializer;

    public TimeProvider Clock { get; } = clock;

    public ILogger Logger { get; } = logger;

    public EngineTelemetry Telemetry { get; } = telemetry;

    public LocalRecordCache? Cache { get; } = cache;

    /// <summary>Gets what encrypts payloads at rest, or <see langword="null"/> (the default: stored as encoded).</summary>
    public IIdempotencyPayloadProtector? Protector { get; } = options.PayloadProtector;

    /// <summary>Reads a payload the store returned; one the protector cannot read is a corrupt record, never a re-run.</summary>
    public ReadOnlyMemory<byte> Unprotect(string storeKey, ReadOnlyMemory<byte> stored)
    {
        if (Protector is null)
        {
            return stored;
        }

        try
        {
            return Protector.Unprotect(stored.Span, storeKey);
        }
        catch (CryptographicException ex)
        {
            throw new IdempotencyRecordCorruptException(storeKey, $"the payload cannot be unprotected ({ex.Message})", ex);
        }
    }

    /// <summary>Reads a replayed value; a stored value the type cannot read is a corrupt record, never a crash.</summary>
    public T Deserialize<T>(string storeKey, ReadOnlySpan<byte> body)
    {
        try
        {
            return Serializer.Deserialize<T>(body);
        }
        catch (Exception ex) when (ex is not IdempotencyException)
        {
            Log.CorruptRecord(Logger, storeKey, ex.Message);
            throw new IdempotencyRecordCorruptException(storeKey, $"the stored value cannot be read as {typeof(T).Name}.", ex);
        }
    }
}
