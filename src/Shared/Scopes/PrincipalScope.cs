using System.Globalization;
using System.Security.Claims;
using System.Text;

namespace Idempotency;

/// <summary>
/// The default scope of an authenticated principal, shared by the HTTP middleware and the gRPC interceptor so both
/// scope one caller alike. Anonymous callers share the anonymous (<see langword="null"/>) scope. An authenticated
/// caller is scoped by the first authenticated identity that has a <c>NameIdentifier</c> claim, else a <c>sub</c>
/// claim, built (length-prefixed) from that identity's authentication type, the claim's type, issuer and value, so
/// principals of two schemes or issuers never share a scope. The name claim is not used: some schemes let callers
/// choose their own name.
/// </summary>
internal static class PrincipalScope
{
    private const string SubjectClaimType = "sub";

    /// <summary>Resolves the scope; <see langword="false"/> when the principal is authenticated but has no usable claim (it must not fall into the anonymous scope).</summary>
    public static bool TryResolve(ClaimsPrincipal user, out string? scope)
    {
        scope = null;
        if (!user.Identities.Any(static i => i.IsAuthenticated))
        {
            return true;
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
                scope = Compose(identity.AuthenticationType!, claim.Type, claim.Issuer, claim.Value);
                return true;
            }
        }

        return false;
    }

    /// <summary>The authenticated schemes, quoted, for an error message.</summary>
    public static string Schemes(ClaimsPrincipal user) =>
        string.Join(", ", user.Identities.Where(static i => i.IsAuthenticated).Select(static i => $"'{i.AuthenticationType}'"));

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
