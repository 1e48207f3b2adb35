namespace Idempotency.JmesPath;

/// <summary>What a <see cref="JmesPathKeySelector"/> selected from one payload.</summary>
/// <param name="Key">
/// The idempotency key, or <see langword="null"/> when the key expression selected nothing (null, an empty string, an
/// empty array or object, or only such values); the engine then applies the policy's <see cref="KeyRequirement"/>.
/// </param>
/// <param name="Fingerprint">
/// The canonical-JSON hash of what the fingerprint expression selected, or <see langword="null"/> when the selector has
/// no fingerprint expression.
/// </param>
public readonly record struct JmesPathSelection(string? Key, string? Fingerprint)
{
    /// <summary>Gets a value indicating whether a key was selected.</summary>
    public bool HasKey => Key is not null;
}
