using System.Text.Json;

namespace Idempotency.Functions;

/// <summary>
/// Options of idempotent function handlers: the pre-configured policies and how events become JSON. Record settings
/// (TTL, lease, failures) are the engine's: each policy registers an engine policy of its own.
/// </summary>
public sealed class IdempotentFunctionOptions
{
    private readonly Dictionary<string, IdempotentFunctionPolicy> _policies = new(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets how many completed records the engine's in-process cache holds at least, so a warm function instance
    /// replays a repeated event without a store round trip. It raises <see cref="IdempotencyOptions.LocalCacheMaxEntries"/>
    /// when that is lower (the cache is the engine's, shared by every handler); zero leaves the engine's setting alone.
    /// </summary>
    /// <value>The default value is 1000.</value>
    public int LocalCacheMaxEntries { get; set; } = FunctionDefaults.LocalCacheMaxEntries;

    /// <summary>
    /// Gets or sets the JSON options that turn a typed event (or function argument) into the JSON its expressions select
    /// from. <see cref="JsonElement"/>, <see cref="JsonDocument"/>, <c>byte[]</c> and <see cref="ReadOnlyMemory{T}"/> of
    /// UTF-8 bytes are JSON already and are read as they are. Set a <c>JsonSerializerContext</c> as resolver for
    /// trimming and AOT.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: web defaults (camelCase names, as function events spell them), reflection-based metadata.</value>
    public JsonSerializerOptions? EventSerializerOptions { get; set; }

    /// <summary>Gets the pre-configured policies by name.</summary>
    public IReadOnlyDictionary<string, IdempotentFunctionPolicy> Policies => _policies;

    /// <summary>Gets the name of the engine policy a function policy registers (its records, metrics and spans carry it).</summary>
    /// <param name="policyName">The function policy's name.</param>
    /// <returns>The engine policy's name: <c>function:</c> followed by <paramref name="policyName"/>.</returns>
    public static string EnginePolicyName(string policyName)
    {
        ArgumentNullException.ThrowIfNull(policyName);
        return FunctionDefaults.EnginePolicyPrefix + policyName;
    }

    /// <summary>Adds (or replaces) a pre-configured policy.</summary>
    /// <param name="name">The policy's name, which handlers are created with.</param>
    /// <param name="configure">Configures the policy; <see cref="IdempotentFunctionPolicy.KeyExpression"/> is required.</param>
    /// <returns>These options.</returns>
    public IdempotentFunctionOptions AddPolicy(string name, Action<IdempotentFunctionPolicy> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        var policy = new IdempotentFunctionPolicy();
        configure(policy);
        _policies[name] = policy;
        return this;
    }

    /// <summary>Adds (or replaces) a pre-configured policy in one line: the key expression and the TTL.</summary>
    /// <param name="name">The policy's name.</param>
    /// <param name="keyExpression">The JMESPath expression that selects the key.</param>
    /// <param name="ttl">How long completed records are kept and replayed.</param>
    /// <param name="fingerprintExpression">The JMESPath expression that selects the fields a reused key must match, or <see langword="null"/>.</param>
    /// <returns>These options.</returns>
    public IdempotentFunctionOptions AddPolicy(string name, string keyExpression, TimeSpan ttl, string? fingerprintExpression = null) =>
        AddPolicy(name, policy =>
        {
            policy.KeyExpression = keyExpression;
            policy.FingerprintExpression = fingerprintExpression;
            policy.Ttl = ttl;
        });

    /// <summary>Registers every function policy as an engine policy and raises the engine's local cache; run once, before the engine is built.</summary>
    internal void ApplyTo(IdempotencyOptions engine)
    {
        foreach (var (name, policy) in _policies)
        {
            engine.AddPolicy(EnginePolicyName(name), policy.ApplyTo);
        }

        if (engine.LocalCacheMaxEntries < LocalCacheMaxEntries)
        {
            engine.LocalCacheMaxEntries = LocalCacheMaxEntries;
        }
    }
}
