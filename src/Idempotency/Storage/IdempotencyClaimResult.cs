namespace Idempotency;

/// <summary>The answer of <see cref="IIdempotencyStore.ClaimAsync"/>: the key was acquired, or the live record that holds it.</summary>
public readonly struct IdempotencyClaimResult
{
    private IdempotencyClaimResult(IdempotencyRecord? existing) => Existing = existing;

    /// <summary>Gets the result that says the caller now owns the key.</summary>
    public static IdempotencyClaimResult Acquired => default;

    /// <summary>Gets a value indicating whether the caller now owns the key.</summary>
    public bool IsAcquired => Existing is null;

    /// <summary>Gets the live record that holds the key, when it was not acquired.</summary>
    public IdempotencyRecord? Existing { get; }

    /// <summary>Creates the result that returns the live record holding the key.</summary>
    /// <param name="existing">The live record.</param>
    /// <returns>The result.</returns>
    public static IdempotencyClaimResult Held(IdempotencyRecord existing)
    {
        ArgumentNullException.ThrowIfNull(existing);
        return new IdempotencyClaimResult(existing);
    }
}
