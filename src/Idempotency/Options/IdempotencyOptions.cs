using System.Text.Json;

namespace Idempotency;

/// <summary>Options of the idempotency engine.</summary>
public sealed class IdempotencyOptions
{
    private readonly Dictionary<string, Action<IdempotencyPolicy>> _policies = new(StringComparer.Ordinal);

    /// <summary>Gets or sets the first segment of every store key.</summary>
    /// <value>The default value is <c>idem</c>.</value>
    public string KeyPrefix { get; set; } = IdempotencyDefaults.KeyPrefix;

    /// <summary>Gets or sets the service name, the second segment of every store key, so two services never collide.</summary>
    /// <value>The default value is <c>default</c>.</value>
    public string ServiceName { get; set; } = IdempotencyDefaults.ServiceName;

    /// <summary>
    /// Gets the policy used when an operation names none; named policies start as a copy of it. Its durations are bounded:
    /// see <see cref="IdempotencyPolicy"/>.
    /// </summary>
    public IdempotencyPolicy DefaultPolicy { get; } = new();

    /// <summary>
    /// Gets TTLs by request name — the operation (event type), or the <see cref="IdempotencyRequest.Name"/> an integration
    /// gives, such as an HTTP route pattern (<c>/orders/{id}</c>); they override the policy's <see cref="IdempotencyPolicy.Ttl"/>.
    /// Each is positive and at most 365 days, like <see cref="IdempotencyPolicy.Ttl"/> (checked at start-up).
    /// </summary>
    public IDictionary<string, TimeSpan> OperationTtls { get; } = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);

    /// <summary>Gets or sets the longest key accepted.</summary>
    /// <value>The default value is 255.</value>
    public int MaxKeyLength { get; set; } = IdempotencyDefaults.MaxKeyLength;

    /// <summary>Gets or sets the key format check, run after the length check in place of the default printable-ASCII check.</summary>
    /// <value>The default value is <see langword="null"/> (printable ASCII, U+0020 to U+007E).</value>
    public Func<string, bool>? KeyValidator { get; set; }

    /// <summary>Gets or sets the serialized size above which results are compressed (Brotli); zero disables compression.</summary>
    /// <value>The default value is 4096 bytes.</value>
    public int CompressionThreshold { get; set; } = IdempotencyDefaults.CompressionThreshold;

    /// <summary>
    /// Gets or sets the largest result kept, in serialized bytes (before compression). A larger result is not stored: its
    /// retries get <see cref="IdempotencyClaimStatus.ResultNotStored"/>. A stored record that claims to decompress to more
    /// is treated as corrupt, so a hostile record cannot make each replay allocate without bound.
    /// </summary>
    /// <value>The default value is 16 MiB.</value>
    public int MaxResultSize { get; set; } = IdempotencyDefaults.MaxResultSize;

    /// <summary>Gets or sets the JSON options of the default serializer; set a <c>JsonSerializerContext</c> as resolver for trimming and AOT.</summary>
    /// <value>The default value is <see langword="null"/>: web defaults with reflection-based metadata.</value>
    public JsonSerializerOptions? JsonSerializerOptions { get; set; }

    /// <summary>Gets or sets how many completed records the in-process cache holds; zero disables it.</summary>
    /// <value>The default value is 0 (off).</value>
    public int LocalCacheMaxEntries { get; set; } = IdempotencyDefaults.LocalCacheMaxEntries;

    /// <summary>
    /// Gets or sets how many bytes the records in the in-process cache may hold together (payloads, plus their keys,
    /// owner tokens, fingerprints and a fixed overhead each), when <see cref="LocalCacheMaxEntries"/> turns it on. A
    /// record larger than a sixteenth of this is never cached: its replays go to the store. Positive.
    /// </summary>
    /// <value>The default value is 32 MiB (so records above 2 MiB are not cached).</value>
    public long LocalCacheMaxBytes { get; set; } = IdempotencyDefaults.LocalCacheMaxBytes;

    /// <summary>
    /// Gets or sets what encrypts stored payloads (results, captured responses, remembered failures) at rest; see
    /// docs/encryption.md. Records written without it cannot be read with it, nor the other way round: both answer as
    /// corrupt (never run again) until they expire.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: payloads are stored as encoded.</value>
    public IIdempotencyPayloadProtector? PayloadProtector { get; set; }

    /// <summary>
    /// Gets or sets a deployment secret (at least 32 bytes; base64 in configuration) that turns the digests of raw keys,
    /// scopes and fingerprints from SHA-256 into HMAC-SHA256, so a guessable key, scope or request body cannot be
    /// recovered from the store or logs by hashing guesses. Setting, changing or removing it changes every store key and
    /// fingerprint: records written before are no longer found (see docs/encryption.md).
    /// </summary>
    /// <value>The default value is <see langword="null"/>: plain SHA-256 digests.</value>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1819:Properties should not return arrays", Justification = "Bound from configuration as base64; copied when the engine starts.")]
    public byte[]? DigestSecret { get; set; }

    /// <summary>Gets the names of the policies added so far.</summary>
    public IEnumerable<string> PolicyNames => _policies.Keys;

    /// <summary>Adds a named policy, configured on top of a copy of <see cref="DefaultPolicy"/>.</summary>
    /// <param name="name">The policy name.</param>
    /// <param name="configure">Configures the policy.</param>
    /// <returns>These options.</returns>
    public IdempotencyOptions AddPolicy(string name, Action<IdempotencyPolicy> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        _policies[name] = configure;
        return this;
    }

    /// <summary>
    /// Gets how long a record of a request with this name and policy is kept: its <see cref="OperationTtls"/> entry, else
    /// the policy's <see cref="IdempotencyPolicy.Ttl"/>. Integrations use it to check TTLs against a redelivery horizon.
    /// </summary>
    /// <param name="name">The request's name (an operation, an event type, an HTTP route pattern).</param>
    /// <param name="policyName">The policy, or <see langword="null"/> for <see cref="DefaultPolicy"/>.</param>
    /// <returns>The TTL.</returns>
    /// <exception cref="ArgumentException">No policy has that name.</exception>
    public TimeSpan GetTtl(string name, string? policyName = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (OperationTtls.TryGetValue(name, out var ttl))
        {
            return ttl;
        }

        if (policyName is null)
        {
            return DefaultPolicy.Ttl;
        }

        if (!_policies.TryGetValue(policyName, out var configure))
        {
            throw new ArgumentException($"No idempotency policy is named '{policyName}'.", nameof(policyName));
        }

        var policy = DefaultPolicy.Clone();
        configure(policy);
        return policy.Ttl;
    }

    /// <summary>
    /// Gets the settings of a policy as the engine applies them, for integrations that describe an operation (an OpenAPI
    /// document, say). The result is a copy: changing it changes nothing.
    /// </summary>
    /// <param name="policyName">The policy, or <see langword="null"/> for <see cref="DefaultPolicy"/>.</param>
    /// <returns>A copy of the policy.</returns>
    /// <exception cref="ArgumentException">No policy has that name.</exception>
    public IdempotencyPolicy GetPolicy(string? policyName = null)
    {
        var policy = DefaultPolicy.Clone();
        if (policyName is null)
        {
            return policy;
        }

        if (!_policies.TryGetValue(policyName, out var configure))
        {
            throw new ArgumentException($"No idempotency policy is named '{policyName}'.", nameof(policyName));
        }

        configure(policy);
        return policy;
    }

    internal IReadOnlyDictionary<string, IdempotencyPolicy> BuildPolicies()
    {
        var policies = new Dictionary<string, IdempotencyPolicy>(StringComparer.Ordinal);
        foreach (var (name, configure) in _policies)
        {
            var policy = DefaultPolicy.Clone();
            configure(policy);
            policies[name] = policy;
        }

        return policies;
    }
}
