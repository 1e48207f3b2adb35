using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Idempotency.AspNetCore;

/// <summary>
/// What an endpoint's metadata (or the global POST/PATCH option) asks for, and its <see cref="Name"/>: the route pattern,
/// which names the endpoint in telemetry and in <see cref="IdempotencyOptions.OperationTtls"/> while the store key still
/// names one request across the whole API.
/// </summary>
internal readonly record struct EndpointIdempotency(string? Policy, KeyRequirement? KeyRequirement, string? Name)
{
    public static bool TryGet(HttpContext context, bool applyToAllPostAndPatch, out EndpointIdempotency settings)
    {
        settings = default;
        var method = context.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method))
        {
            return false;
        }

        var endpoint = context.GetEndpoint();
        if (endpoint is null || endpoint.Metadata.GetMetadata<DisableIdempotencyAttribute>() is not null)
        {
            return false;
        }

        if (endpoint.Metadata.GetMetadata<IIdempotencyMetadata>() is { } metadata)
        {
            settings = new EndpointIdempotency(metadata.Policy, metadata.KeyRequirement, NameOf(endpoint));
            return true;
        }

        settings = new EndpointIdempotency(null, null, NameOf(endpoint));
        return applyToAllPostAndPatch && (HttpMethods.IsPost(method) || HttpMethods.IsPatch(method));
    }

    // The pattern is a string the routing table already holds: no allocation per request.
    private static string? NameOf(Endpoint endpoint) =>
        endpoint is RouteEndpoint { RoutePattern.RawText: { Length: > 0 and <= 200 } pattern } ? pattern : null;
}
