using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Extensions.Options;

namespace Idempotency.AspNetCore;

/// <summary>
/// Routing hands every endpoint that asks for idempotency — whatever put the metadata there (<c>RequireIdempotency()</c>,
/// <c>[Idempotent]</c> on a lambda, <c>WithMetadata</c>, an MVC convention, Razor Pages) or <c>ApplyToAllPostAndPatch</c>
/// — to the endpoint middleware wrapped in a check that the idempotency middleware saw the request. A middleware placed
/// after <c>UseEndpoints()</c>, or in a branch that does not cover the endpoint, then fails loudly instead of letting every
/// retry run again. Wrappers are made once per endpoint; endpoints that ask for nothing, or whose filters check already
/// (<c>RequireIdempotency()</c>, <c>[Idempotent]</c> on controllers), are not touched and keep the router's fast path.
/// </summary>
internal sealed class MiddlewarePassagePolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    private readonly ConditionalWeakTable<Endpoint, Endpoint> _guarded = [];
    private readonly ConditionalWeakTable<Endpoint, Endpoint>.CreateValueCallback _guard;
    private readonly bool _applyToAllPostAndPatch;

    public MiddlewarePassagePolicy(IOptions<IdempotencyMiddlewareOptions> options)
    {
        _applyToAllPostAndPatch = options.Value.ApplyToAllPostAndPatch;
        _guard = Guard;
    }

    // Last, so the check wraps the endpoint other policies chose.
    public override int Order => int.MaxValue;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) => endpoints.Any(AsksForIdempotency);

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates.IsValidCandidate(i) && candidates[i].Endpoint is RouteEndpoint endpoint && AsksForIdempotency(endpoint))
            {
                candidates.ReplaceEndpoint(i, _guarded.GetValue(endpoint, _guard), candidates[i].Values);
            }
        }

        return Task.CompletedTask;
    }

    private bool AsksForIdempotency(Endpoint endpoint)
    {
        var metadata = endpoint.Metadata;
        if (endpoint is not RouteEndpoint { RequestDelegate: not null } || metadata.GetMetadata<DisableIdempotencyAttribute>() is not null)
        {
            return false;
        }

        if (metadata.GetMetadata<IIdempotencyMetadata>() is { } asked)
        {
            return !CheckedByAFilter(asked, metadata);
        }

        // The global option covers POST and PATCH: an endpoint that may answer either (or any method) is guarded.
        var methods = metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
        return _applyToAllPostAndPatch && (methods is not { Count: > 0 } || methods.Any(m => HttpMethods.IsPost(m) || HttpMethods.IsPatch(m)));
    }

    // RequireIdempotency() adds an endpoint filter, and [Idempotent] is a resource filter on controllers and pages: those
    // endpoints are checked without this policy, whose selector step would cost every request to them the router's fast path.
    private static bool CheckedByAFilter(IIdempotencyMetadata asked, EndpointMetadataCollection metadata) =>
        asked is IdempotentAttribute { Guarded: true }
        || metadata.GetMetadata<ActionDescriptor>()?.FilterDescriptors.Any(static f => f.Filter is IdempotentAttribute) == true;

    private Endpoint Guard(Endpoint endpoint)
    {
        var route = (RouteEndpoint)endpoint;
        var handler = route.RequestDelegate!;
        var applyToAllPostAndPatch = _applyToAllPostAndPatch;
        return new RouteEndpoint(
            context =>
            {
                MiddlewarePassage.ThrowIfBypassed(context, applyToAllPostAndPatch);
                return handler(context);
            },
            route.RoutePattern,
            route.Order,
            route.Metadata,
            route.DisplayName);
    }
}
