using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Idempotency.AspNetCore;

/// <summary>
/// Refuses a pipeline where the middleware runs before authentication or authorization. Keys are scoped per principal:
/// before authentication every caller looks anonymous and would replay another user's stored response, and a replay
/// would skip authorization entirely. Detected the way ASP.NET Core's endpoint middleware detects a misordered pipeline.
/// </summary>
internal static class PipelineOrder
{
    // Set by AuthorizationMiddleware once it has seen the endpoint (the key ASP.NET Core's own check reads).
    private const string AuthorizationInvoked = "__AuthorizationMiddlewareWithEndpointInvoked";

    public static void ThrowIfMisordered(HttpContext context, Endpoint endpoint)
    {
        // Authentication has schemes but has not run for this request: the principal is not known yet. (MVC registers the
        // scheme provider even in apps without authentication, so a provider without schemes does not count.)
        if (context.Features.Get<IAuthenticationFeature>() is null && HasSchemes(context.RequestServices.GetService<IAuthenticationSchemeProvider>()))
        {
            throw Misordered(endpoint, "UseAuthentication()");
        }

        var metadata = endpoint.Metadata;
        var requiresAuthorization = metadata.GetMetadata<IAuthorizeData>() is not null
            || metadata.GetMetadata<AuthorizationPolicy>() is not null
            || metadata.GetMetadata<IAuthorizationRequirementData>() is not null
            || (metadata.GetMetadata<IAllowAnonymous>() is null && context.RequestServices.GetService<IOptions<AuthorizationOptions>>()?.Value.FallbackPolicy is not null);
        if (requiresAuthorization && !context.Items.ContainsKey(AuthorizationInvoked))
        {
            throw Misordered(endpoint, "UseAuthorization()");
        }
    }

    // The default provider answers from memory; an unfinished answer counts as having schemes, the safe side.
    private static bool HasSchemes(IAuthenticationSchemeProvider? provider)
    {
        if (provider is null)
        {
            return false;
        }

        var schemes = provider.GetAllSchemesAsync();
        return !schemes.IsCompletedSuccessfully || schemes.Result.Any();
    }

    private static InvalidOperationException Misordered(Endpoint endpoint, string missing) => new(
        $"Endpoint {endpoint.DisplayName} requires idempotency, but the idempotency middleware ran before {missing}: " +
        (missing == "UseAuthentication()"
            ? "keys are scoped per principal, so running first would let one caller replay another's response. "
            : "a replay would skip the endpoint's authorization, and a refused caller would claim a key. ") +
        "Call app.UseIdempotency() after app.UseAuthentication() and app.UseAuthorization().");
}
