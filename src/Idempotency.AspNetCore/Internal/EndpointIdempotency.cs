using Microsoft.AspNetCore.Http;

namespace Idempotency.AspNetCore;

/// <summary>What an endpoint's metadata (or the global POST/PATCH option) asks for.</summary>
internal readonly record struct EndpointIdempotency(string? Policy, KeyRequirement? KeyRequirement)
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
            settings = new EndpointIdempotency(metadata.Policy, metadata.KeyRequirement);
            return true;
        }

        return applyToAllPostAndPatch && (HttpMethods.IsPost(method) || HttpMethods.IsPatch(method));
    }
}
