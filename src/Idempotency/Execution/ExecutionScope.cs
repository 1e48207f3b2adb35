namespace Idempotency;

/// <summary>Everything resolved once per execution: policy, store key, fingerprint and owner token.</summary>
internal sealed record ExecutionScope
{
    public required string Operation { get; init; }

    public required string PolicyName { get; init; }

    public required IdempotencyPolicy Policy { get; init; }

    public required TimeSpan Ttl { get; init; }

    public string? StoreKey { get; init; }

    public string Fingerprint { get; init; } = string.Empty;

    public string OwnerToken { get; init; } = string.Empty;
}
