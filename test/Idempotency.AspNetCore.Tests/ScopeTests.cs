using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Idempotency.AspNetCore.Tests;

public sealed class ScopeTests : IAsyncLifetime
{
    private SampleHost _host = null!;

    public async Task InitializeAsync() => _host = await SampleHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task PostOrders_OtherPrincipalSameKey_GetsItsOwnExecution()
    {
        var key = Requests.NewKey();

        var alice = await Answer.SendAsync(_host.Client, Requests.Post("/orders", key, bearer: "alice"));
        var bob = await Answer.SendAsync(_host.Client, Requests.Post("/orders", key, bearer: "bob"));
        var aliceAgain = await Answer.SendAsync(_host.Client, Requests.Post("/orders", key, bearer: "alice"));
        var bobAgain = await Answer.SendAsync(_host.Client, Requests.Post("/orders", key, bearer: "bob"));

        Assert.Equal(HttpStatusCode.Created, bob.Status);
        Assert.False(bob.IsReplayed);
        Assert.NotEqual(alice.Json.GetProperty("id").GetString(), bob.Json.GetProperty("id").GetString());
        Assert.Equal(alice.Body, aliceAgain.Body);
        Assert.Equal(bob.Body, bobAgain.Body);
        Assert.Equal((2, 0), await _host.GetRunsAsync());
    }

    [Fact]
    public async Task PostOrders_OtherPrincipalSameKeyOtherBody_IsNotAReuse()
    {
        var key = Requests.NewKey();

        await Answer.SendAsync(_host.Client, Requests.Post("/orders", key, bearer: "alice"));
        var bob = await Answer.SendAsync(_host.Client, Requests.Post("/orders", key, """{"item":"pen","quantity":9}""", bearer: "bob"));

        Assert.Equal(HttpStatusCode.Created, bob.Status);
        Assert.Equal("pen", bob.Json.GetProperty("item").GetString());
    }

    [Fact]
    public async Task PostOrders_OtherPrincipalWhileFirstInFlight_IsNotAConflict()
    {
        var key = Requests.NewKey();
        var aliceTask = Answer.SendAsync(_host.Client, Requests.Post("/orders?delayMs=1000", key, bearer: "alice"));
        while ((await _host.GetRunsAsync()).Orders == 0)
        {
            await Task.Delay(10);
        }

        var bob = await Answer.SendAsync(_host.Client, Requests.Post("/orders?delayMs=1000", key, bearer: "bob"));
        var alice = await aliceTask;

        Assert.Equal(HttpStatusCode.Created, bob.Status);
        Assert.Equal(HttpStatusCode.Created, alice.Status);
        Assert.Equal((2, 0), await _host.GetRunsAsync());
    }

    [Fact]
    public async Task PostOrders_AnonymousAndAuthenticatedSameKey_AreSeparate()
    {
        var key = Requests.NewKey();

        var anonymous = await Answer.SendAsync(_host.Client, Requests.Post("/orders", key));
        var alice = await Answer.SendAsync(_host.Client, Requests.Post("/orders", key, bearer: "alice"));
        var anonymousAgain = await Answer.SendAsync(_host.Client, Requests.Post("/orders", key));

        Assert.False(alice.IsReplayed);
        Assert.True(anonymousAgain.IsReplayed);
        Assert.Equal(anonymous.Body, anonymousAgain.Body);
        Assert.Equal((2, 0), await _host.GetRunsAsync());
    }

    [Fact]
    public async Task PostOrders_AuthenticatedWithoutIdentifier_FailsAndNeverRuns()
    {
        // API-key style principals: authenticated, but no NameIdentifier, sub or name. They must never share the
        // anonymous scope, where one key holder would replay another's response.
        await using var host = await SampleHost.StartAsync(HeaderSchemes.Add);
        var key = Requests.NewKey();

        var first = await Answer.SendAsync(host.Client, Requests.Post("/orders", key).As(HeaderSchemes.ApiKey, "key-1"));
        var second = await Answer.SendAsync(host.Client, Requests.Post("/orders", key).As(HeaderSchemes.ApiKey, "key-2"));

        Assert.Equal(HttpStatusCode.InternalServerError, first.Status);
        Assert.Equal(HttpStatusCode.InternalServerError, second.Status);
        Assert.False(second.IsReplayed);
        Assert.Equal((0, 0), await host.GetRunsAsync());
    }

    [Fact]
    public async Task PostOrders_AuthenticatedWithoutIdentifier_DoesNotReplayAnonymousResponse()
    {
        await using var host = await SampleHost.StartAsync(HeaderSchemes.Add);
        var key = Requests.NewKey();

        var anonymous = await Answer.SendAsync(host.Client, Requests.Post("/orders", key));
        var apiKey = await Answer.SendAsync(host.Client, Requests.Post("/orders", key).As(HeaderSchemes.ApiKey, "key-1"));
        var anonymousAgain = await Answer.SendAsync(host.Client, Requests.Post("/orders", key));

        Assert.Equal(HttpStatusCode.Created, anonymous.Status);
        Assert.Equal(HttpStatusCode.InternalServerError, apiKey.Status);
        Assert.False(apiKey.IsReplayed);
        Assert.True(anonymousAgain.IsReplayed);
        Assert.Equal(anonymous.Body, anonymousAgain.Body);
        Assert.Equal((1, 0), await host.GetRunsAsync());
    }

    [Fact]
    public async Task PostOrders_SameIdentifierFromTwoSchemes_AreSeparate()
    {
        await using var host = await SampleHost.StartAsync(HeaderSchemes.Add);
        var key = Requests.NewKey();

        var bearer = await Answer.SendAsync(host.Client, Requests.Post("/orders", key, bearer: "alice"));
        var partner = await Answer.SendAsync(host.Client, Requests.Post("/orders", key).As(HeaderSchemes.Partner, "alice"));
        var bearerAgain = await Answer.SendAsync(host.Client, Requests.Post("/orders", key, bearer: "alice"));
        var partnerAgain = await Answer.SendAsync(host.Client, Requests.Post("/orders", key).As(HeaderSchemes.Partner, "alice"));

        Assert.Equal(HttpStatusCode.Created, partner.Status);
        Assert.False(partner.IsReplayed);
        Assert.NotEqual(bearer.Json.GetProperty("id").GetString(), partner.Json.GetProperty("id").GetString());
        Assert.True(bearerAgain.IsReplayed);
        Assert.Equal(bearer.Body, bearerAgain.Body);
        Assert.True(partnerAgain.IsReplayed);
        Assert.Equal(partner.Body, partnerAgain.Body);
        Assert.Equal((2, 0), await host.GetRunsAsync());
    }

    [Fact]
    public async Task PostOrders_AnonymousWithOtherSchemesConfigured_StillReplays()
    {
        await using var host = await SampleHost.StartAsync(HeaderSchemes.Add);
        var key = Requests.NewKey();

        var anonymous = await Answer.SendAsync(host.Client, Requests.Post("/orders", key));
        var anonymousAgain = await Answer.SendAsync(host.Client, Requests.Post("/orders", key));

        Assert.Equal(HttpStatusCode.Created, anonymous.Status);
        Assert.True(anonymousAgain.IsReplayed);
        Assert.Equal(anonymous.Body, anonymousAgain.Body);
        Assert.Equal((1, 0), await host.GetRunsAsync());
    }

    [Fact]
    public async Task Post_CustomScopeResolver_IsolatesTenants()
    {
        await using var app = await TestApp.StartAsync(
            (app, runs) => app.MapPost("/invoices", (HttpContext http) => Results.Ok(new { tenant = http.Request.Headers["X-Tenant"].ToString(), run = runs.Ran("invoices") })).RequireIdempotency(),
            http: o => o.ScopeResolver = http => http.Request.Headers["X-Tenant"].ToString());

        var acme = await app.SendAsync(WithTenant(Requests.Post("/invoices", "k1"), "acme"));
        var globex = await app.SendAsync(WithTenant(Requests.Post("/invoices", "k1"), "globex"));
        var acmeAgain = await app.SendAsync(WithTenant(Requests.Post("/invoices", "k1"), "acme"));

        Assert.False(globex.IsReplayed);
        Assert.True(acmeAgain.IsReplayed);
        Assert.Equal(acme.Body, acmeAgain.Body);
        Assert.Equal(2, app.Runs["invoices"]);
    }

    private static HttpRequestMessage WithTenant(HttpRequestMessage request, string tenant)
    {
        request.Headers.Add("X-Tenant", tenant);
        return request;
    }
}
