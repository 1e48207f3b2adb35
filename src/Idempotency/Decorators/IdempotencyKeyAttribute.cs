namespace Idempotency.Decorators;

/// <summary>
/// Marks the parameter of an <see cref="IdempotentAttribute"/> method whose value is the key: a string, or any
/// <see cref="IFormattable"/> (number, <see cref="Guid"/>, enum), written with the invariant culture. A <see langword="null"/>
/// value is no key: the policy's <see cref="KeyRequirement"/> decides.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class IdempotencyKeyAttribute : Attribute
{
}
