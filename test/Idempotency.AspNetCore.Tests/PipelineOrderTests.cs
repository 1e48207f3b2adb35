using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Idempotency.AspNetCore.Tests;

// Found by attack: with UseIdempotency() before authentication, every caller looked anonymous, so an anonymous caller
// and another user replayed a user's stored response — even on a RequireAuthorization() endpoint, whose authorization
// a replay skipped. A misordered pipeline now fails loudly, before anything runs or is stored.
public sealed class PipelineOrderTests
{
    public enum Order
    {
        IdempotencyFirst,
        BetweenAuthenticationAndAuthorization,
        AfterBoth,
        Implicit,
    }

    [Theory]
    [InlineData(Order.IdempotencyFirst, "UseAuthentication()")]
    [InlineData(Order.BetweenAuthenticationAndAuthorization, "UseAuthorization()")]
    public async Task Misordered_FailsLoudlyAndNobodyGetsAnotherUsersResponse(Order order, string named)
    {
        var runs = new HandlerRuns();
        await using var app = await StartAsync(order, runs);
        using var client = app.GetTestClient();

        var alice = await Assert.ThrowsAsync<InvalidOperationException>(() => client.SendAsync(Statement("k-1", "alice")));
        var anonymous = await Assert.ThrowsAsync<InvalidOperationException>(() => client.SendAsync(Statement("k-1", user: null)));
        var bob = await Assert.ThrowsAsync<InvalidOperationException>(() => client.SendAsync(Statement("k-1", "bob")));

        Assert.Contains(named, alice.Message, StringComparison.Ordinal);
        Assert.Contains("app.UseIdempotency() after app.UseAuthentication() and app.UseAuthorization()", alice.Message, StringComparison.Ordinal);
        Assert.Equal(alice.Message, anonymous.Message);
        Assert.Equal(alice.Message, bob.Message);
        Assert.Equal(0, runs["statement"]);
    }

    [Theory]
    [InlineData(Order.AfterBoth)]
    [InlineData(Order.Implicit)]
    public async Task WellOrdered_EachUserRunsOnceAndAnonymousIsRefused(Order order)
    {
        var runs = new HandlerRuns();
        await using var app = await StartAsync(order, runs);
        using var client = app.GetTestClient();

        var alice = await Answer.SendAsync(client, Statement("k-1", "alice"));
        var aliceRetry = await Answer.SendAsync(client, Statement("k-1", "alice"));
        var anonymous = await Answer.SendAsync(client, Statement("k-1", user: null));
        var bob = await Answer.SendAsync(client, Statement("k-1", "bob"));

        Assert.Equal(HttpStatusCode.OK, alice.Status);
        Assert.True(aliceRetry.IsReplayed);
        Assert.Equal(alice.Body, aliceRetry.Body);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal(HttpStatusCode.OK, bob.Status);
        Assert.False(bob.IsReplayed);
        Assert.Contains("SECRET-bob", System.Text.Encoding.UTF8.GetString(bob.Body), StringComparison.Ordinal);
        Assert.Equal(2, runs["statement"]);
    }

    [Fact]
    public async Task NoAuthenticationAtAll_RunsAsBefore()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddIdempotency().AddIdempotencyMiddleware();
        await using var app = builder.Build();
        app.UseIdempotency();
        app.MapPost("/notes", () => Results.Text("ok")).RequireIdempotency();
        await app.StartAsync();
        using var client = app.GetTestClient();

        var first = await Answer.SendAsync(client, Requests.Post("/notes", "k-1"));
        var retry = await Answer.SendAsync(client, Requests.Post("/notes", "k-1"));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.True(retry.IsReplayed);
    }

    private static async Task<WebApplication> StartAsync(Order order, HandlerRuns runs)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddAuthentication(UserHeader.SchemeName).AddScheme<AuthenticationSchemeOptions, UserHeader>(UserHeader.SchemeName, null);
        builder.Services.AddAuthorization();
        builder.Services.AddIdempotency().AddIdempotencyMiddleware();
        var app = builder.Build();
        switch (order)
        {
            case Order.IdempotencyFirst:
                app.UseIdempotency();
                app.UseAuthentication();
                app.UseAuthorization();
                break;
            case Order.BetweenAuthenticationAndAuthorization:
                app.UseAuthentication();
                app.UseIdempotency();
                app.UseAuthorization();
                break;
            case Order.AfterBoth:
                app.UseAuthentication();
                app.UseAuthorization();
                app.UseIdempotency();
                break;
            default:
                app.UseIdempotency(); // WebApplication adds authentication and authorization ahead of it
                break;
        }

        app.MapPost("/account/statement", (ClaimsPrincipal user) =>
        {
            runs.Ran("statement");
            return Results.Ok(new { iban = "DE00-SECRET-" + user.Identity!.Name });
        }).RequireAuthorization().RequireIdempotency();
        await app.StartAsync();
        return app;
    }

    // Found by attack: with a fallback authorization policy choosing the scheme (no default scheme), authentication ran
    // without a scheme, the endpoint had no authorization metadata, and the check never fired: bob and anonymous callers
    // got alice's replay. A fallback policy now counts as the endpoint requiring authorization.
    [Fact]
    public async Task FallbackPolicy_MiddlewareBeforeAuthorization_FailsLoudly()
    {
        var runs = new HandlerRuns();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, UserHeader>(UserHeader.SchemeName, null);
        builder.Services.AddAuthorization(o => o.FallbackPolicy = new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder(UserHeader.SchemeName).RequireAuthenticatedUser().Build());
        builder.Services.AddIdempotency().AddIdempotencyMiddleware();
        await using var app = builder.Build();
        app.UseAuthentication();
        app.UseIdempotency();
        app.UseAuthorization();
        app.MapPost("/account/statement", () => Results.Text("statement-" + runs.Ran("statement"))).RequireIdempotency();
        await app.StartAsync();
        using var client = app.GetTestClient();

        var alice = await Assert.ThrowsAsync<InvalidOperationException>(() => client.SendAsync(Statement("k-1", "alice")));
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.SendAsync(Statement("k-1", "bob")));

        Assert.Contains("UseAuthorization()", alice.Message, StringComparison.Ordinal);
        Assert.Equal(0, runs["statement"]);
    }

    // Found by attack: MVC registers the authentication scheme provider even without AddAuthentication, so a Startup-style
    // app without any authentication was refused at every request. A provider without schemes does not count.
    [Fact]
    public async Task SchemeProviderWithoutSchemes_RunsAsBefore()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddAuthenticationCore();
        builder.Services.AddIdempotency().AddIdempotencyMiddleware();
        await using var app = builder.Build();
        ((IApplicationBuilder)app).UseRouting();
        app.UseIdempotency();
        app.MapPost("/notes", () => Results.Text("ok")).RequireIdempotency();
        await app.StartAsync();
        using var client = app.GetTestClient();

        var first = await Answer.SendAsync(client, Requests.Post("/notes", "k-1"));
        var retry = await Answer.SendAsync(client, Requests.Post("/notes", "k-1"));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.True(retry.IsReplayed);
    }

    // Found by attack: a principal set after the middleware (an MVC AuthorizeFilter with a scheme) was claimed in the
    // anonymous scope, and bob and anonymous callers got alice's replay. A principal that changed under the handler
    // now means the response is not stored: nobody gets another's response.
    [Fact]
    public async Task PrincipalSetAfterTheMiddleware_ResponseIsNotStoredAndNobodyGetsAnothersReplay()
    {
        var runs = new HandlerRuns();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddAuthentication() // two schemes and no default: UseAuthentication authenticates nobody
            .AddScheme<AuthenticationSchemeOptions, UserHeader>(UserHeader.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, UserHeader>("Other", null);
        builder.Services.AddAuthorization();
        builder.Services.AddIdempotency().AddIdempotencyMiddleware();
        await using var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseIdempotency();
        app.MapPost("/account/statement", async (HttpContext context) =>
        {
            // Authenticates by itself, as an MVC AuthorizeFilter with a scheme does, after the middleware claimed the key.
            var result = await context.AuthenticateAsync(UserHeader.SchemeName);
            context.User = result.Principal!;
            return Results.Text("SECRET-" + context.User.Identity!.Name + "-" + runs.Ran("statement"));
        }).RequireIdempotency();
        await app.StartAsync();
        using var client = app.GetTestClient();

        var alice = await Answer.SendAsync(client, Statement("k-1", "alice"));
        var bob = await Answer.SendAsync(client, Statement("k-1", "bob"));

        Assert.Equal(HttpStatusCode.OK, alice.Status);
        Assert.DoesNotContain("SECRET-alice", bob.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.FailedDependency, bob.Status);
        Assert.Equal(1, runs["statement"]);
    }

    private static HttpRequestMessage Statement(string key, string? user)
    {
        var request = Requests.Post("/account/statement", key);
        if (user is not null)
        {
            request.Headers.Add("X-User", user);
        }

        return request;
    }

    private sealed class UserHeader(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "UserHeader";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.TryGetValue("X-User", out var user))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user.ToString()), new Claim(ClaimTypes.Name, user.ToString())], SchemeName);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }
    }
}
