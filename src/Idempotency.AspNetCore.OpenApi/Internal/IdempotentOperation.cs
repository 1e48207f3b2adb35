using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ApiExplorer;

namespace Idempotency.AspNetCore.OpenApi;

/// <summary>
/// What the middleware will do for one documented operation: the same decision it makes per request
/// (<c>EndpointIdempotency</c>), taken from the endpoint's metadata and the options instead of an <c>HttpContext</c>.
/// </summary>
internal readonly record struct IdempotentOperation(KeyRequirement KeyRequirement, IdempotencyPolicy Policy)
{
    public static bool TryGet(ApiDescription description, IdempotencyMiddlewareOptions http, IdempotencyOptions core, out IdempotentOperation operation)
    {
        operation = default;
        var method = description.HttpMethod ?? string.Empty;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method))
        {
            return false;
        }

        var metadata = description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<DisableIdempotencyAttribute>().Any())
        {
            return false;
        }

        // The last entry wins, as Endpoint.Metadata.GetMetadata<T>() decides for the middleware (an action's attribute after its controller's).
        var idempotent = metadata.OfType<IIdempotencyMetadata>().LastOrDefault();
        if (idempotent is null && !(http.ApplyToAllPostAndPatch && (HttpMethods.IsPost(method) || HttpMethods.IsPatch(method))))
        {
            return false;
        }

        var policy = core.GetPolicy(idempotent?.Policy);
        operation = new IdempotentOperation(idempotent?.KeyRequirement ?? policy.KeyRequirement, policy);
        return true;
    }
}
