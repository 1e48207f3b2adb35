using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Idempotency.Messaging;

/// <summary>Finds a message's key by the configured precedence, and its payload fingerprint.</summary>
internal sealed class MessageKeys(IdempotentConsumerOptions options)
{
    private readonly MessageKeySource[] _sources = [.. options.KeySources];
    private readonly string[] _volatile = [.. options.VolatileProperties];

    public (string? Key, MessageKeySource Source) Resolve(InboundMessage message)
    {
        JsonDocument? envelope = null;
        try
        {
            foreach (var source in _sources)
            {
                var key = source switch
                {
                    MessageKeySource.Header => message.Header(options.KeyHeaderName),
                    MessageKeySource.EnvelopeKey => Property(message, ref envelope, options.EnvelopeKeyProperties),
                    MessageKeySource.EventId => Property(message, ref envelope, options.EventIdProperties),
                    MessageKeySource.MessageId => message.MessageId,
                    // An empty body (a Kafka tombstone, a bare signal) hashes alike for every event: no key, not a shared one.
                    MessageKeySource.ContentHash => message.Body.IsEmpty ? null : Fingerprint(message),
                    _ => null,
                };
                // A value the engine would refuse (keys are printable ASCII) gives way to the next source rather than
                // dead-lettering a message that has a usable key further down (a binary message id, an accented event id).
                if (!string.IsNullOrEmpty(key) && IsPrintableAscii(key))
                {
                    return (key, source);
                }
            }

            return (null, MessageKeySource.None);
        }
        finally
        {
            envelope?.Dispose();
        }
    }

    /// <summary>The payload's hash: canonical JSON without the volatile properties, or the raw bytes when the body is not JSON.</summary>
    public string Fingerprint(InboundMessage message)
    {
        try
        {
            return ContentHash.ComputeCanonicalJson(message.Body.Span, _volatile);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not JSON, or JSON this parser refuses to read as text (a lone surrogate escape): the raw bytes are the payload.
            return ContentHash.Compute(message.Body.Span);
        }
    }

    // The body is parsed at most once per message, and only when an envelope step is reached.
    private static string? Property(InboundMessage message, ref JsonDocument? envelope, IList<string> names)
    {
        if (envelope is null)
        {
            if (message.Body.IsEmpty)
            {
                return null;
            }

            try
            {
                envelope = JsonDocument.Parse(message.Body);
            }
            catch (JsonException)
            {
                return null;
            }
        }

        if (envelope.RootElement.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var name in names)
        {
            // A property that is present but null, or not text this parser can read (a lone surrogate escape), gives no
            // key: the next name, then the next source, is tried.
            try
            {
                if (envelope.RootElement.TryGetProperty(name, out var value) && value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString(),
                    JsonValueKind.Number => CanonicalNumber(value),
                    _ => null,
                } is { Length: > 0 } key)
                {
                    return key;
                }
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>
    /// A numeric id's key: its canonical text (the one the content hash uses), so numbers equal as numbers are one event
    /// whatever their spelling (<c>1</c>, <c>1.0</c>, <c>1e0</c>, <c>10e-1</c>). Exact at any size, never through
    /// <see cref="double"/>: two 64-bit ids a unit apart stay two keys. A number beyond the canonical range (a decimal
    /// exponent over ±999999) gives no key, so the next source is tried.
    /// </summary>
    private static string? CanonicalNumber(JsonElement number)
    {
        try
        {
            return Encoding.UTF8.GetString(ContentHash.CanonicalizeJson(JsonMarshal.GetRawUtf8Value(number)));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsPrintableAscii(string key)
    {
        foreach (var c in key)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
