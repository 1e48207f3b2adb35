using Microsoft.AspNetCore.Mvc.Filters;

namespace Idempotency.AspNetCore;

/// <summary>
/// Makes a controller or action idempotent: a request carrying an <c>Idempotency-Key</c> runs once and its response is
/// replayed to every retry. The attribute on an action overrides the one on its controller.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class IdempotentAttribute : Attribute, IIdempotencyMetadata, IResourceFilter
{
    private KeyRequirement? _keyRequirement;

    /// <summary>Gets or sets the name of the engine policy.</summary>
    /// <value>The default value is <see langword="null"/>: the default policy.</value>
    public string? Policy { get; set; }

    /// <summary>Gets or sets whether the key is required (400 without it) or optional (the request then runs unprotected).</summary>
    /// <value>The default value is the policy's <see cref="IdempotencyPolicy.KeyRequirement"/> (itself <see cref="KeyRequirement.Required"/> by default).</value>
    public KeyRequirement KeyRequirement
    {
        get => _keyRequirement ?? KeyRequirement.Required;
        set => _keyRequirement = value;
    }

    KeyRequirement? IIdempotencyMetadata.KeyRequirement => _keyRequirement;

    /// <summary>Gets a value indicating whether a route group's convention added this (its GET endpoints are not worth a warning).</summary>
    internal bool FromGroup { get; init; }

    /// <summary>Gets a value indicating whether the endpoint filter that <c>RequireIdempotency()</c> adds checks the passage already.</summary>
    internal bool Guarded { get; init; }

    void IResourceFilter.OnResourceExecuting(ResourceExecutingContext context) => MiddlewarePassage.ThrowIfBypassed(context.HttpContext, applyToAllPostAndPatch: false);

    void IResourceFilter.OnResourceExecuted(ResourceExecutedContext context)
    {
    }
}
