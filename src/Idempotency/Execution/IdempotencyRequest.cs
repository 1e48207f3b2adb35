namespace Idempotency;

/// <summary>What names one idempotent execution.</summary>
/// <param name="Operation">The operation (handler, event type or function): the third segment of the store key.</param>
/// <param name="Key">The caller's key, or <see langword="null"/> when none was given.</param>
public readonly record struct IdempotencyRequest(string Operation, string? Key)
{
    /// <summary>Gets the scope (tenant, principal, API key) that isolates keys; hashed into the store key.</summary>
    public string? Scope { get; init; }

    /// <summary>Gets the fingerprint of the request material (see <see cref="ContentHash"/>); a key reused with another fingerprint is rejected.</summary>
    public string? Fingerprint { get; init; }

    /// <summary>Gets the name of the policy to apply; the default policy when <see langword="null"/>.</summary>
    public string? Policy { get; init; }
}
