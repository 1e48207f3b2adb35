using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Idempotency.AspNetCore.Tests;

// Found by attack: start-up validation only knows whether UseIdempotency() was called somewhere. An endpoint reached
// on a branch the middleware is not in, or in an app that registered AddIdempotency() without the middleware at all,
// ran every retry again in silence. The endpoint now refuses to run a request the middleware did not see.
public sealed class MiddlewareBypassTests
{
    private const string Fix = "without passing the idempotency middleware";

    [Fact]
    public async Task MinimalEndpoint_OutsideTheMiddlewaresBranch_ThrowsAndNeverRuns()
    {
        var runs = new HandlerRuns();
        await using var app = await StartAsync(
            runs,
            withMiddleware: true,
            configure: app => app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), branch => branch.UseIdempotency()),
            map: app => app.MapPost("/pay", () => runs.Ran("pay")).RequireIdempotency());
        using var client = app.GetTestClient();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => client.SendAsync(Requests.Post("/pay", "k-1")));

        Assert.Contains(Fix, ex.Message, StringComparison.Ordinal);
        Assert.Contains("app.UseIdempotency()", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, runs["pay"]);
    }

    [Fact]
    public async Task MinimalEndpoint_InsideTheMiddlewaresBranch_RunsOnceAndReplays()
    {
        var runs = new HandlerRuns();
        await using var app = await StartAsync(
            runs,
            withMiddleware: true,
            configure: app => app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), branch => branch.UseIdempotency()),
            map: app => app.MapPost("/api/pay", () => runs.Ran("pay")).RequireIdempotency());
        using var client = app.GetTestClient();

        var first = await Answer.SendAsync(client, Requests.Post("/api/pay", "k-1"));
        var retry = await Answer.SendAsync(client, Requests.Post("/api/pay", "k-1"));
        var withoutKey = await Answer.SendAsync(client, Requests.Post("/api/pay", key: null));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.True(retry.IsReplayed);
        Assert.Equal(HttpStatusCode.BadRequest, withoutKey.Status);
        Assert.Equal(1, runs["pay"]);
    }

    [Fact]
    public async Task MinimalEndpoint_OptionalKeyWithoutKey_RunsUnprotectedThroughTheMiddleware()
    {
        var runs = new HandlerRuns();
        await using var app = await StartAsync(
            runs,
            withMiddleware: true,
            configure: app => app.UseIdempotency(),
            map: app => app.MapPost("/pay", () => runs.Ran("pay")).RequireIdempotency(KeyRequirement.Optional));
        using var client = app.GetTestClient();

        var answer = await Answer.SendAsync(client, Requests.Post("/pay", key: null));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(1, runs["pay"]);
    }

    [Fact]
    public async Task MinimalEndpoint_AddIdempotencyWithoutTheMiddleware_ThrowsAndNeverRuns()
    {
        var runs = new HandlerRuns();
        await using var app = await StartAsync(runs, withMiddleware: false, configure: null, map: app => app.MapPost("/pay", () => runs.Ran("pay")).RequireIdempotency());
        using var client = app.GetTestClient();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => client.SendAsync(Requests.Post("/pay", "k-1")));

        Assert.Contains("AddIdempotencyMiddleware()", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, runs["pay"]);
    }

    [Fact]
    public async Task DisabledEndpointInAnIdempotentGroup_OutsideTheMiddleware_Runs()
    {
        var runs = new HandlerRuns();
        await using var app = await StartAsync(
            runs,
            withMiddleware: true,
            configure: app => app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), branch => branch.UseIdempotency()),
            map: app =>
            {
                var group = app.MapGroup("/ledger").RequireIdempotency();
                group.MapPost("/free", () => runs.Ran("free")).DisableIdempotency();
            });
        using var client = app.GetTestClient();

        var answer = await Answer.SendAsync(client, Requests.Post("/ledger/free", "k-1"));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(1, runs["free"]);
    }

    [Theory]
    [InlineData("/payments", "payments.create")]
    [InlineData("/ledger", "ledger.post")]
    public async Task IdempotentController_OutsideTheMiddlewaresBranch_ThrowsAndNeverRuns(string path, string handler)
    {
        var runs = new HandlerRuns();
        await using var app = await StartAsync(
            runs,
            withMiddleware: true,
            configure: app => app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), branch => branch.UseIdempotency()),
            map: app => app.MapControllers(),
            controllers: true);
        using var client = app.GetTestClient();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => client.SendAsync(Requests.Post(path, "k-1")));

        Assert.Contains(Fix, ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, runs[handler]);
    }

    [Fact]
    public async Task DisabledAction_OnIdempotentController_OutsideTheMiddleware_Runs()
    {
        var runs = new HandlerRuns();
        await using var app = await StartAsync(
            runs,
            withMiddleware: true,
            configure: app => app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), branch => branch.UseIdempotency()),
            map: app => app.MapControllers(),
            controllers: true);
        using var client = app.GetTestClient();

        var answer = await Answer.SendAsync(client, Requests.Post("/ledger/unprotected", "k-1"));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(1, runs["ledger.unprotected"]);
    }

    // Found by attack: with the middleware after UseEndpoints(), endpoints whose metadata came another way than
    // RequireIdempotency() or an MVC attribute (an attribute on the lambda, WithMetadata, ApplyToAllPostAndPatch) ran
    // every retry again. Routing now hands every such endpoint over wrapped in the check.
    [Theory]
    [InlineData("lambda-attribute")]
    [InlineData("with-metadata")]
    [InlineData("apply-to-all")]
    public async Task MiddlewareAfterUseEndpoints_EveryWayOfAskingForIdempotency_ThrowsAndNeverRuns(string how)
    {
        var runs = new HandlerRuns();
        await using var app = await StartAsync(
            runs,
            withMiddleware: true,
            configure: app =>
            {
                app.UseRouting();
                app.UseEndpoints(static _ => { });
                app.UseIdempotency();
            },
            map: app =>
            {
                _ = how switch
                {
                    "lambda-attribute" => app.MapPost("/pay", [Idempotent] () => runs.Ran("pay")),
                    "with-metadata" => app.MapPost("/pay", () => runs.Ran("pay")).WithMetadata(new IdempotentAttribute()),
                    _ => app.MapPost("/pay", () => runs.Ran("pay")),
                };
            },
            http: how == "apply-to-all" ? o => o.ApplyToAllPostAndPatch = true : null);
        using var client = app.GetTestClient();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => client.SendAsync(Requests.Post("/pay", "k-1")));

        Assert.Contains(Fix, ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, runs["pay"]);
    }

    [Fact]
    public async Task ApplyToAllPostAndPatch_ThroughTheMiddleware_RunsOnceAndReplays_AndGetsAreUntouched()
    {
        var runs = new HandlerRuns();
        await using var app = await StartAsync(
            runs,
            withMiddleware: true,
            configure: app => app.UseIdempotency(),
            map: app =>
            {
                app.MapPost("/pay", () => runs.Ran("pay"));
                app.MapGet("/pay", () => runs.Ran("read"));
            },
            http: o => o.ApplyToAllPostAndPatch = true);
        using var client = app.GetTestClient();

        var first = await Answer.SendAsync(client, Requests.Post("/pay", "k-1"));
        var retry = await Answer.SendAsync(client, Requests.Post("/pay", "k-1"));
        var read = await client.GetAsync(new Uri("/pay", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.True(retry.IsReplayed);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(1, runs["pay"]);
        Assert.Equal(1, runs["read"]);
    }

    private static async Task<WebApplication> StartAsync(HandlerRuns runs, bool withMiddleware, Action<WebApplication>? configure, Action<WebApplication> map, bool controllers = false, Action<IdempotencyMiddlewareOptions>? http = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(runs);
        var idempotency = builder.Services.AddIdempotency();
        if (withMiddleware)
        {
            idempotency.AddIdempotencyMiddleware(http);
        }

        if (controllers)
        {
            builder.Services.AddControllers().AddApplicationPart(typeof(MiddlewareBypassTests).Assembly);
        }

        var app = builder.Build();
        configure?.Invoke(app);
        map(app);
        await app.StartAsync();
        return app;
    }
}
