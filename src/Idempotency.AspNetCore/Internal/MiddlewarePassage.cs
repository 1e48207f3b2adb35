using Microsoft.AspNetCore.Http;

namespace Idempotency.AspNetCore;

/// <summary>
/// The middleware's mark on a request it let through to the handler. An endpoint that asks for idempotency checks it
/// before its handler runs, so a request that reached it without passing the middleware (a branch the middleware is not
/// in, a service configuration without it, endpoints added after start-up) fails loudly instead of charging every retry
/// again — as ASP.NET Core's endpoint middleware does for authorization metadata.
/// </summary>
internal sealed class MiddlewarePassage
{
    private static readonly MiddlewarePassage Instance = new();

    private MiddlewarePassage()
    {
    }

    public static void Mark(HttpContext context) => context.Features.Set(Instance);

    /// <summary>The endpoint filter that minimal API endpoints and route groups get with <c>RequireIdempotency()</c>.</summary>
    public static EndpointFilterDelegate Filter(EndpointFilterFactoryContext factoryContext, EndpointFilterDelegate next) =>
        invocation =>
        {
            ThrowIfBypassed(invocation.HttpContext, applyToAllPostAndPatch: false);
            return next(invocation);
        };

    /// <exception cref="InvalidOperationException">The endpoint asks for idempotency and the middleware did not see the request.</exception>
    public static void ThrowIfBypassed(HttpContext context, bool applyToAllPostAndPatch)
    {
        if (context.Features.Get<MiddlewarePassage>() is null && EndpointIdempotency.TryGet(context, applyToAllPostAndPatch, out _))
        {
            throw new InvalidOperationException(
                $"Endpoint {context.GetEndpoint()?.DisplayName} requires idempotency, but the request reached it without passing the idempotency middleware, so a retry would run it again: register services.AddIdempotency().AddIdempotencyMiddleware() and call app.UseIdempotency() after app.UseAuthentication() and app.UseAuthorization(), on every branch that reaches this endpoint.");
        }
    }
}
