#region snippet: http-multi-tenant-scope
using System.Security.Claims;
#endregion

namespace Snippets;

internal static class HttpMultiTenant
{
    public static void ScopeByTenantAndCaller(WebApplicationBuilder builder)
    {
        #region snippet: http-multi-tenant-scope
        builder.Services.AddIdempotency().AddIdempotencyMiddleware(o => o.ScopeResolver = context =>
        {
            var tenant = context.User.FindFirst("tenant_id")?.Value ?? context.Request.Host.Host; // issuer-signed claim, else the routed host
            var caller = context.User.FindFirst(ClaimTypes.NameIdentifier)?.Value
                ?? throw new InvalidOperationException("An authenticated caller without an identifier cannot be scoped.");
            return $"{tenant.Length}:{tenant}{caller.Length}:{caller}";
        });
        #endregion
    }
}
