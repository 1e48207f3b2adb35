namespace Idempotency.Decorators;

/// <summary>
/// Makes an interface method run once per key: the source generator of this package writes a decorator for the
/// interface, registered with <c>services.AddIdempotent&lt;TService, TImplementation&gt;()</c>, whose marked methods
/// run the implementation through the engine and replay its result to every later call with the same key.
/// </summary>
/// <remarks>
/// Only interface methods are decorated; the attribute on a class, or on a method of a class, is a compile error
/// (IDEM001, IDEM002) rather than silently nothing. The HTTP attribute of the same name,
/// <c>Idempotency.AspNetCore.IdempotentAttribute</c>, is for controllers and endpoints.
/// </remarks>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Interface, AllowMultiple = false, Inherited = false)]
public sealed class IdempotentAttribute : Attribute
{
    /// <summary>
    /// Gets or sets where the key comes from: a parameter (<c>"orderId"</c>), a path of members of one
    /// (<c>"order.Customer.Id"</c>, checked at compile time), or any other text as a JMESPath expression over the
    /// arguments as one JSON object named by parameter (<c>"[order.customerId, order.id]"</c>; needs <c>Idempotency.JmesPath</c>).
    /// </summary>
    /// <value>The default value is <see langword="null"/>: the parameter marked <see cref="IdempotencyKeyAttribute"/>.</value>
    public string? Key { get; set; }

    /// <summary>Gets or sets the name of the engine policy (<see cref="IdempotencyOptions.AddPolicy"/>).</summary>
    /// <value>The default value is <see langword="null"/>: the default policy.</value>
    public string? Policy { get; set; }

    /// <summary>
    /// Gets or sets the operation the records are stored under (the store key's third segment): 1-100 of letters,
    /// digits, '.', '_', '-' or '/'. Set it to keep records valid across a rename of the interface or the method.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: the interface and method name, <c>IPayments.ChargeAsync</c>.</value>
    public string? Operation { get; set; }

    /// <summary>Gets or sets whether a key is required (a call without one throws) or optional (such a call runs unprotected).</summary>
    /// <value>The default value is the policy's <see cref="IdempotencyPolicy.KeyRequirement"/> (itself <see cref="KeyRequirement.Required"/> by default).</value>
    public KeyRequirement KeyRequirement { get; set; }
}
