#region snippet: getting-started-demo-bearer
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
#endregion

namespace OrdersApi;

#region snippet: getting-started-demo-bearer
/// <summary>
/// Demo authentication only: <c>Authorization: Bearer alice</c> makes the caller the principal <c>alice</c>; no header
/// is anonymous. Idempotency keys are scoped per principal, so alice and bob never share a key.
/// </summary>
internal sealed class DemoBearerHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "DemoBearer";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var name = header["Bearer ".Length..].Trim();
        if (name.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.Fail("The bearer token is empty."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, name), new Claim(ClaimTypes.Name, name)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
#endregion
