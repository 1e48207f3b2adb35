namespace Idempotency.Messaging;

/// <summary>Options of <see cref="IIdempotentConsumer"/>. Record TTLs and policies are the engine's (<see cref="IdempotencyOptions"/>), keyed by event type.</summary>
public sealed class IdempotentConsumerOptions
{
    /// <summary>Gets the key sources tried in order; the first that gives a key wins. Remove or reorder steps to change the precedence.</summary>
    /// <value>The default value is header, envelope key, event id, message id, content hash.</value>
    public IList<MessageKeySource> KeySources { get; } =
        [MessageKeySource.Header, MessageKeySource.EnvelopeKey, MessageKeySource.EventId, MessageKeySource.MessageId, MessageKeySource.ContentHash];

    /// <summary>Gets or sets the header that carries an explicit idempotency key.</summary>
    /// <value>The default value is <c>Idempotency-Key</c>.</value>
    public string KeyHeaderName { get; set; } = "Idempotency-Key";

    /// <summary>Gets the top-level JSON properties of the body read as the envelope's idempotency key, in order.</summary>
    /// <value>The default value is <c>idempotencyKey</c>, <c>idempotency_key</c>.</value>
    public IList<string> EnvelopeKeyProperties { get; } = ["idempotencyKey", "idempotency_key"];

    /// <summary>Gets the top-level JSON properties of the body read as the event id, in order (<c>id</c> is the CloudEvents one).</summary>
    /// <value>The default value is <c>eventId</c>, <c>event_id</c>, <c>id</c>.</value>
    public IList<string> EventIdProperties { get; } = ["eventId", "event_id", "id"];

    /// <summary>
    /// Gets the top-level JSON properties left out of the content hash and the payload fingerprint: values that
    /// differ between deliveries of one event (timestamps, trace ids), so a re-published event is still a duplicate.
    /// </summary>
    /// <value>The default value is the common timestamp and tracing property names.</value>
    public IList<string> VolatileProperties { get; } =
        ["time", "timestamp", "occurredAt", "occurred_at", "publishedAt", "published_at", "sentAt", "sent_at", "traceId", "trace_id", "traceparent", "tracestate", "spanId", "span_id"];

    /// <summary>Gets or sets whether the payload is fingerprinted, so the same key with a different payload is a <see cref="MessageOutcome.Conflict"/>.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool FingerprintPayload { get; set; } = true;

    /// <summary>Gets or sets what a duplicate does: skip and return the cached result, or throw <see cref="DuplicateMessageException"/>.</summary>
    /// <value>The default value is <see cref="DuplicateHandling.Skip"/>.</value>
    public DuplicateHandling Duplicates { get; set; } = DuplicateHandling.Skip;

    /// <summary>Gets the engine policy per event type; event types not listed use the default policy.</summary>
    public IDictionary<string, string> EventTypePolicies { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the delivery from which a failing handler's message is dead-lettered instead of redelivered; zero never.</summary>
    /// <value>The default value is 5.</value>
    public int MaxDeliveries { get; set; } = 5;

    /// <summary>Gets or sets how often the broker's "still working" signal is sent while a handler runs.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets how long after its first delivery the transport may still redeliver a message (its retry horizon).
    /// Start-up fails when an event type's record TTL is shorter: a redelivery after the record expired would run again.
    /// Adapters set it from the broker's settings; zero skips the check.
    /// </summary>
    /// <value>The default value is <see cref="TimeSpan.Zero"/>.</value>
    public TimeSpan RetryHorizon { get; set; }

    /// <summary>Gets or sets where <see cref="RetryHorizon"/> comes from, named in the start-up error.</summary>
    public string RetryHorizonSource { get; set; } = nameof(RetryHorizon);

    /// <summary>Gets the event types whose TTLs are checked against <see cref="RetryHorizon"/> besides those in <see cref="IdempotencyOptions.OperationTtls"/> and <see cref="EventTypePolicies"/>.</summary>
    public ISet<string> EventTypes { get; } = new HashSet<string>(StringComparer.Ordinal);
}
