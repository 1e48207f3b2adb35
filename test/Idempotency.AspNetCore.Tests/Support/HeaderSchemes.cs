using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Idempotency.AspNetCore.Tests;

/// <summary>
/// Two extra authentication schemes on the sample, beside its <c>DemoBearer</c>: <c>ApiKey</c> authenticates a caller
/// with no name, NameIdentifier or sub claim (as typical API-key handlers do), and <c>Partner</c> authenticates a
/// caller whose NameIdentifier is the header's value — the same value a bearer principal may carry.
/// </summary>
public static class HeaderSchemes
{
    public const string ApiKey = "ApiKey";
    public const string Partner = "Partner";
    private const string Selector = "TestSelector";

    public static void Add(WebApplicationBuilder builder) =>
        builder.Services.AddAuthentication(o => o.DefaultScheme = Selector)
            .AddScheme<HeaderSchemeOptions, HeaderSchemeHandler>(ApiKey, static o => o.IdentifierClaimType = null)
            .AddScheme<HeaderSchemeOptions, HeaderSchemeHandler>(Partner, static o => o.IdentifierClaimType = ClaimTypes.NameIdentifier)
            .AddPolicyScheme(Selector, null, static o => o.ForwardDefaultSelector = static context =>
                context.Request.Headers.ContainsKey(HeaderName(ApiKey)) ? ApiKey
                : context.Request.Headers.ContainsKey(HeaderName(Partner)) ? Partner
                : "DemoBearer");

    public static HttpRequestMessage As(this HttpRequestMessage request, string scheme, string value)
    {
        request.Headers.Add(HeaderName(scheme), value);
        return request;
    }

    private static string HeaderName(string scheme) => "X-Test-" + scheme;

    public sealed class HeaderSchemeOptions : AuthenticationSchemeOptions
    {
        /// <summary>The claim that carries the header's value; <see langword="null"/> for a principal with no identifier.</summary>
        public string? IdentifierClaimType { get; set; }
    }

    private sealed class HeaderSchemeHandler(IOptionsMonitor<HeaderSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<HeaderSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var value = Request.Headers[HeaderName(Scheme.Name)].ToString();
            if (value.Length == 0)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            List<Claim> claims = [new("scope", "orders:write")];
            if (Options.IdentifierClaimType is { } claimType)
            {
                claims.Add(new Claim(claimType, value));
            }

            var identity = new ClaimsIdentity(claims, Scheme.Name);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
        }
    }
}
