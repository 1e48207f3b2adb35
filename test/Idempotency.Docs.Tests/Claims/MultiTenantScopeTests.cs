using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Options;
using Snippets;

namespace Idempotency.Docs.Tests;

/// <summary>
/// docs/http.md, the multi-tenant scope recipe. Found by a user trying the docs: the earlier recipe took the tenant from
/// a claim or else from the Host header, so a caller without the claim who sent <c>Host: acme</c> got acme/alice's
/// stored response. The recipe now takes every part from the token and refuses callers without a tenant.
/// </summary>
public sealed class MultiTenantScopeTests
{
    [Fact]
    public async Task CallerWithoutTheTenantClaim_SendingAnotherTenantsHost_NeverGetsItsResponse()
    {
        var runs = 0;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddAuthentication("Header").AddScheme<AuthenticationSchemeOptions, HeaderUser>("Header", null);
        builder.Services.AddAuthorization();
        HttpMultiTenant.ScopeByTenantAndCaller(builder);
        await using var app = builder.Build();
        app.UseIdempotency();
        app.MapPost("/orders", () => Results.Text($"order-{Interlocked.Increment(ref runs)}")).RequireAuthorization().RequireIdempotency();
        await app.StartAsync();
        using var client = app.GetTestClient();

        var acme = await SendAsync(client, "acme/alice", host: "shop.example");
        var spoofed = await SendAsync(client, "alice", host: "acme");
        var otherTenant = await SendAsync(client, "globex/alice", host: "shop.example");

        Assert.Equal((HttpStatusCode.OK, "order-1"), acme);
        Assert.NotEqual("order-1", spoofed.Body); // refused (no tenant claim), never acme's replay
        Assert.Equal((HttpStatusCode.OK, "order-2"), otherTenant);
    }

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient client, string user, string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = new StringContent("{}") };
        request.Headers.Add("Idempotency-Key", "k-1");
        request.Headers.Add("X-User", user);
        request.Headers.Host = host;
        try
        {
            using var response = await client.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (InvalidOperationException refused)
        {
            return (HttpStatusCode.InternalServerError, refused.Message);
        }
    }

    /// <summary>Authenticates <c>X-User: tenant/name</c> (a tenant_id claim and an identifier) or <c>X-User: name</c> (no tenant).</summary>
    private sealed class HeaderUser(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, System.Text.Encodings.Web.UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (Request.Headers["X-User"].ToString() is not { Length: > 0 } user)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var parts = user.Split('/');
            List<Claim> claims = [new(ClaimTypes.NameIdentifier, parts[^1])];
            if (parts.Length == 2)
            {
                claims.Add(new Claim("tenant_id", parts[0]));
            }

            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name)), Scheme.Name)));
        }
    }
}
