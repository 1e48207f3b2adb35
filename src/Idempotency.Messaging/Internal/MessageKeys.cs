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

    // One number, one key: 1, 1.0 and 1e0 are the same event id, as in the content hash. A number beyond the canonical
    // range (an exponent past ±999999) gives no key; the next source is tried.
    private static string? CanonicalNumber(JsonElement value)
    {
        try
        {
            return Encoding.UTF8.GetString(ContentHash.CanonicalizeJson(Encoding.UTF8.GetBytes(value.GetRawText())));
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
