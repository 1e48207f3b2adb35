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
            // Every part from the token, none from the request: a caller can send any Host or header it likes.
            var identity = context.User.Identity as ClaimsIdentity;
            var tenant = context.User.FindFirst("tenant_id")
                ?? throw new InvalidOperationException("A caller without a tenant_id claim cannot be scoped.");
            var caller = context.User.FindFirst(ClaimTypes.NameIdentifier)
                ?? throw new InvalidOperationException("A caller without an identifier cannot be scoped.");
            string[] parts = [identity?.AuthenticationType ?? "", tenant.Issuer, tenant.Value, caller.Issuer, caller.Value];
            return string.Concat(parts.Select(part => $"{part.Length}:{part}"));   // length-prefixed: no two tuples alike
        });
        #endregion
    }
}
