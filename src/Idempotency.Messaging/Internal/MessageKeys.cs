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
                    MessageKeySource.ContentHash => Fingerprint(message),
                    _ => null,
                };
                if (!string.IsNullOrEmpty(key))
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
        catch (JsonException)
        {
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
            if (envelope.RootElement.TryGetProperty(name, out var value))
            {
                return value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString(),
                    JsonValueKind.Number => value.GetRawText(),
                    _ => null,
                };
            }
        }

        return null;
    }
}
