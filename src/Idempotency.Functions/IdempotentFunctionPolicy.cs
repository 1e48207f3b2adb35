namespace Idempotency.Functions;

/// <summary>
/// A pre-configured handler policy: how a handler's events are keyed and fingerprinted, and how long their records live,
/// named once so every handler that uses it is idempotent the same way. It registers an engine policy of its own
/// (<see cref="IdempotentFunctionOptions.EnginePolicyName"/>), built on <see cref="IdempotencyOptions.DefaultPolicy"/>.
/// </summary>
public sealed class IdempotentFunctionPolicy
{
    /// <summary>
    /// Gets or sets the JMESPath expression that selects the key from the event (see <c>Idempotency.JmesPath</c>), for
    /// example <c>from_json(body).questId</c> or the composite <c>from_json(body).[questId, userId]</c>. Required.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (start-up fails until it is set).</value>
    public string? KeyExpression { get; set; }

    /// <summary>
    /// Gets or sets the JMESPath expression that selects the fields a reused key must match; <c>@</c> fingerprints the whole
    /// event. Leave it unset for events whose envelope changes on every delivery (ids, timestamps, receipt handles).
    /// </summary>
    /// <value>The default value is <see langword="null"/>: no fingerprint, no reuse check.</value>
    public string? FingerprintExpression { get; set; }

    /// <summary>Gets or sets how long a completed record is kept and replayed: positive, at most 365 days (checked at start-up).</summary>
    /// <value>The default value is <see langword="null"/>: the engine's default policy TTL (24 hours unless changed).</value>
    public TimeSpan? Ttl { get; set; }

    /// <summary>Gets or sets what an event without a key does: fail with <see cref="IdempotencyKeyMissingException"/>, or run unprotected.</summary>
    /// <value>The default value is <see langword="null"/>: the engine's default policy (<see cref="KeyRequirement.Required"/> unless changed).</value>
    public KeyRequirement? KeyRequirement { get; set; }

    /// <summary>
    /// Gets or sets the operation the records are stored under (the store key's third segment): 1-100 characters of
    /// letters, digits, '.', '_', '-' or '/'. Handlers created with an explicit operation override it.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: the policy's name.</value>
    public string? Operation { get; set; }

    /// <summary>
    /// Gets or sets the rest of the engine policy (lease, store-failure mode, remembered failures, in-progress wait),
    /// applied after <see cref="Ttl"/> and <see cref="KeyRequirement"/>.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: the engine's default policy otherwise.</value>
    public Action<IdempotencyPolicy>? ConfigurePolicy { get; set; }

    internal void ApplyTo(IdempotencyPolicy policy)
    {
        policy.Ttl = Ttl ?? policy.Ttl;
        policy.KeyRequirement = KeyRequirement ?? policy.KeyRequirement;
        ConfigurePolicy?.Invoke(policy);
    }
}
