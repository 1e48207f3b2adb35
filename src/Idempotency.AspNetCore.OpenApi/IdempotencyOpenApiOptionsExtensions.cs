using Idempotency.AspNetCore.OpenApi;
using Microsoft.AspNetCore.OpenApi;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Describes idempotent endpoints in the OpenAPI documents that ASP.NET Core generates.</summary>
public static class IdempotencyOpenApiOptionsExtensions
{
    /// <summary>
    /// Describes every endpoint that honours the <c>Idempotency-Key</c> header (<c>RequireIdempotency()</c>,
    /// <c>[Idempotent]</c>, <c>ApplyToAllPostAndPatch</c>) in the document: the key header parameter (required or optional,
    /// with its syntax and length limit), the <c>Idempotent-Replayed</c> header on success responses, and the 400, 409,
    /// 422 and 503 problem responses the middleware answers with. Names, limits and problem types come from the
    /// middleware's options. Endpoints that did not opt in are left as they are.
    /// </summary>
    /// <param name="options">The document's options, as in <c>services.AddOpenApi(o => o.AddIdempotency())</c>.</param>
    /// <returns>The options.</returns>
    public static OpenApiOptions AddIdempotency(this OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.AddOperationTransformer<IdempotencyOperationTransformer>();
    }
}
