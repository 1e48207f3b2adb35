namespace Idempotency.Decorators;

/// <summary>
/// Marks a parameter whose value the fingerprint covers. Without any such mark every argument counts (but the
/// <see cref="CancellationToken"/>); with one, only the marked ones do. A key reused with other values of them is refused
/// (<see cref="IdempotencyKeyReusedException"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class IdempotencyFingerprintAttribute : Attribute
{
}
