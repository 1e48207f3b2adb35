using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Idempotency.AspNetCore;

/// <summary>
/// The default scope. Anonymous callers share the anonymous (<see langword="null"/>) scope. An authenticated caller is
/// scoped by the first authenticated identity that has a <c>NameIdentifier</c> claim, else a <c>sub</c> claim: the
/// scope is built, length-prefixed, from that
/// identity's authentication type (the scheme), the claim's type, its issuer and its value, so principals of two
/// schemes or issuers never share a scope even when their identifiers are equal. An authenticated caller with none of
/// those claims is refused: it must never fall into the anonymous scope, where it could replay another caller's response.
/// The name claim is not used by default: some schemes (API keys, basic authentication) let callers choose their own
/// name, which would let one caller name itself after another. An application whose names are unique and assigned
/// configures <see cref="IdempotencyMiddlewareOptions.ScopeResolver"/> to use them. The rules live in
/// src/Shared/Scopes/PrincipalScope.cs, shared with the gRPC interceptor.
/// </summary>
internal static class DefaultScopeResolver
{
    public static string? Resolve(HttpContext context)
    {
        var user = context.User;
        if (PrincipalScope.TryResolve(user, out var scope))
        {
            return scope;
        }

        var schemes = PrincipalScope.Schemes(user);
        throw new InvalidOperationException(
            $"The request is authenticated ({schemes}) but its principal has no NameIdentifier or 'sub' claim, so the default idempotency scope " +
            "cannot tell it from other callers, and it must not share the anonymous scope, where callers replay each other's responses. " +
            $"Configure {nameof(IdempotencyMiddlewareOptions)}.{nameof(IdempotencyMiddlewareOptions.ScopeResolver)} " +
            "(AddIdempotencyMiddleware(o => o.ScopeResolver = context => ...), returning for example the API key's id, or " +
            "context.User.Identity?.Name when names are unique and assigned, not chosen by callers), " +
            $"or have the authentication handler add a NameIdentifier ({ClaimTypes.NameIdentifier}) or 'sub' claim.");
    }
}
