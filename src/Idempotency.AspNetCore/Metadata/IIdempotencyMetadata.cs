namespace Idempotency.AspNetCore;

/// <summary>Endpoint metadata that makes an endpoint idempotent: it honours the <c>Idempotency-Key</c> header.</summary>
public interface IIdempotencyMetadata
{
    /// <summary>Gets the name of the engine policy (TTL, lease, failure handling); the default policy when <see langword="null"/>.</summary>
    string? Policy { get; }

    /// <summary>Gets whether the key is required; the policy's <see cref="IdempotencyPolicy.KeyRequirement"/> when <see langword="null"/>.</summary>
    KeyRequirement? KeyRequirement { get; }
}
