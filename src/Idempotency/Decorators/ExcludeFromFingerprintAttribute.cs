namespace Idempotency.Decorators;

/// <summary>
/// Leaves a parameter out of the fingerprint: a value that may differ between retries of one request (a timestamp, a
/// trace id, a callback), so a retry is not refused as a reused key.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class ExcludeFromFingerprintAttribute : Attribute
{
}
