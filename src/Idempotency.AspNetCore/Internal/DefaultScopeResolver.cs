using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Idempotency.AspNetCore;

/// <summary>The default scope: the authenticated principal's identifier; anonymous callers share the empty scope.</summary>
internal static class DefaultScopeResolver
{
    public static string? Resolve(HttpContext context)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        return user.FindFirst(ClaimTypes.NameIdentifier)?.Value
            ?? user.FindFirst("sub")?.Value
            ?? user.Identity.Name;
    }
}
