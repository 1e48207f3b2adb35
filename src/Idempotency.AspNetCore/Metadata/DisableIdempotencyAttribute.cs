namespace Idempotency.AspNetCore;

/// <summary>
/// Opts an endpoint out of idempotency, for example out of <see cref="IdempotencyMiddlewareOptions.ApplyToAllPostAndPatch"/>
/// or a route group's <c>RequireIdempotency()</c>. Wherever it appears in the endpoint's metadata, it wins.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class DisableIdempotencyAttribute : Attribute
{
}
