using System.Globalization;
using System.Security.Claims;
using System.Text;
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
/// configures <see cref="IdempotencyMiddlewareOptions.ScopeResolver"/> to use them.
/// </summary>
internal static class DefaultScopeResolver
{
    private const string SubjectClaimType = "sub";

    public static string? Resolve(HttpContext context)
    {
        var user = context.User;
        if (!user.Identities.Any(static i => i.IsAuthenticated))
        {
            return null;
        }

        foreach (var identity in user.Identities)
        {
            if (!identity.IsAuthenticated)
            {
                continue;
            }

            var claim = Usable(identity, ClaimTypes.NameIdentifier) ?? Usable(identity, SubjectClaimType);
            if (claim is not null)
            {
                return Compose(identity.AuthenticationType!, claim.Type, claim.Issuer, claim.Value);
            }
        }

        var schemes = string.Join(", ", user.Identities.Where(static i => i.IsAuthenticated).Select(static i => $"'{i.AuthenticationType}'"));
        throw new InvalidOperationException(
            $"The request is authenticated ({schemes}) but its principal has no NameIdentifier or 'sub' claim, so the default idempotency scope " +
            "cannot tell it from other callers, and it must not share the anonymous scope, where callers replay each other's responses. " +
            $"Configure {nameof(IdempotencyMiddlewareOptions)}.{nameof(IdempotencyMiddlewareOptions.ScopeResolver)} " +
            "(AddIdempotencyMiddleware(o => o.ScopeResolver = context => ...), returning for example the API key's id, or " +
            "context.User.Identity?.Name when names are unique and assigned, not chosen by callers), " +
            $"or have the authentication handler add a NameIdentifier ({ClaimTypes.NameIdentifier}) or 'sub' claim.");
    }

    private static Claim? Usable(ClaimsIdentity identity, string claimType) =>
        identity.FindFirst(c => string.Equals(c.Type, claimType, StringComparison.OrdinalIgnoreCase) && !string.IsNullOrWhiteSpace(c.Value));

    // Each part is prefixed with its length, so no two different tuples compose to the same string.
    private static string Compose(params ReadOnlySpan<string> parts)
    {
        var builder = new StringBuilder();
        foreach (var part in parts)
        {
            builder.Append(part.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(part);
        }

        return builder.ToString();
    }
}
