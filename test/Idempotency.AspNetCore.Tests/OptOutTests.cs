using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Idempotency.AspNetCore.Tests;

public sealed class OptOutTests
{
    private static Task<TestApp> StartAsync(Action<IdempotencyMiddlewareOptions>? http = null) =>
        TestApp.StartAsync(
            (app, runs) =>
            {
                app.MapPost("/plain", () => Results.Ok(new { run = runs.Ran("plain") }));
                app.MapPatch("/plain", () => Results.Ok(new { run = runs.Ran("plain-patch") }));
                app.MapPut("/plain", () => Results.Ok(new { run = runs.Ran("plain-put") }));
                app.MapMethods("/read", ["GET", "HEAD"], () => Results.Ok(new { run = runs.Ran("read") })).RequireIdempotency();
                app.MapPost("/opted-out", () => Results.Ok(new { run = runs.Ran("opted-out") })).DisableIdempotency();
                var group = app.MapGroup("/group").RequireIdempotency();
                group.MapPost("/a", () => Results.Ok(new { run = runs.Ran("group-a") }));
                group.MapPost("/b", () => Results.Ok(new { run = runs.Ran("group-b") })).DisableIdempotency();
                var relaxed = app.MapGroup("/relaxed").RequireIdempotency(KeyRequirement.Optional);
                relaxed.MapPost("/a", () => Results.Ok(new { run = runs.Ran("relaxed-a") }));
                relaxed.MapPost("/strict", () => Results.Ok(new { run = runs.Ran("relaxed-strict") })).RequireIdempotency(KeyRequirement.Required);
            },
            http);

    [Fact]
    public async Task Post_RouteNotOptedIn_IgnoresTheHeaderEvenWhenMalformed()
    {
        await using var app = await StartAsync();

        var first = await app.SendAsync(Requests.Post("/plain", "k1"));
        var second = await app.SendAsync(Requests.Post("/plain", "k1"));
        var malformed = await app.SendAsync(Requests.Post("/plain", "a, b"));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.False(second.IsReplayed);
        Assert.Equal(HttpStatusCode.OK, malformed.Status);
        Assert.Equal(3, app.Runs["plain"]);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public async Task SafeMethod_OnOptedInRoute_IgnoresTheHeader(string method)
    {
        await using var app = await StartAsync();

        var first = await app.SendAsync(Requests.Create(new HttpMethod(method), "/read", "k1", body: null));
        var second = await app.SendAsync(Requests.Create(new HttpMethod(method), "/read", "k1", body: null));
        var malformed = await app.SendAsync(Requests.Create(new HttpMethod(method), "/read", "a, b", body: null));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.False(second.IsReplayed);
        Assert.Equal(HttpStatusCode.OK, malformed.Status);
        Assert.Equal(3, app.Runs["read"]);
    }

    [Fact]
    public async Task Post_RouteGroup_AppliesToItsEndpointsUnlessDisabled()
    {
        await using var app = await StartAsync();

        await app.SendAsync(Requests.Post("/group/a", "k-a"));
        var replay = await app.SendAsync(Requests.Post("/group/a", "k-a"));
        var missing = await app.SendAsync(Requests.Post("/group/a", key: null));
        await app.SendAsync(Requests.Post("/group/b", "k-b"));
        var disabled = await app.SendAsync(Requests.Post("/group/b", "k-b"));

        Assert.True(replay.IsReplayed);
        Assert.Equal(ProblemTypes.KeyMissing, missing.ProblemType);
        Assert.False(disabled.IsReplayed);
        Assert.Equal(1, app.Runs["group-a"]);
        Assert.Equal(2, app.Runs["group-b"]);
    }

    [Fact]
    public async Task Post_EndpointConvention_OverridesItsGroup()
    {
        await using var app = await StartAsync();

        var groupOptional = await app.SendAsync(Requests.Post("/relaxed/a", key: null));
        var endpointRequired = await app.SendAsync(Requests.Post("/relaxed/strict", key: null));

        Assert.Equal(HttpStatusCode.OK, groupOptional.Status);
        Assert.Equal(ProblemTypes.KeyMissing, endpointRequired.ProblemType);
        Assert.Equal(0, app.Runs["relaxed-strict"]);
    }

    [Fact]
    public async Task ApplyToAllPostAndPatch_CoversPostAndPatchButNotPutOrDisabled()
    {
        await using var app = await StartAsync(o => o.ApplyToAllPostAndPatch = true);

        await app.SendAsync(Requests.Post("/plain", "k1"));
        var postReplay = await app.SendAsync(Requests.Post("/plain", "k1"));
        var postMissing = await app.SendAsync(Requests.Post("/plain", key: null));
        await app.SendAsync(Requests.Create(HttpMethod.Patch, "/plain", "k2"));
        var patchReplay = await app.SendAsync(Requests.Create(HttpMethod.Patch, "/plain", "k2"));
        await app.SendAsync(Requests.Create(HttpMethod.Put, "/plain", "k3"));
        var put = await app.SendAsync(Requests.Create(HttpMethod.Put, "/plain", "k3"));
        await app.SendAsync(Requests.Post("/opted-out", "k4"));
        var optedOut = await app.SendAsync(Requests.Post("/opted-out", "k4"));

        Assert.True(postReplay.IsReplayed);
        Assert.Equal(ProblemTypes.KeyMissing, postMissing.ProblemType);
        Assert.True(patchReplay.IsReplayed);
        Assert.False(put.IsReplayed);
        Assert.False(optedOut.IsReplayed);
        Assert.Equal(1, app.Runs["plain"]);
        Assert.Equal(1, app.Runs["plain-patch"]);
        Assert.Equal(2, app.Runs["plain-put"]);
        Assert.Equal(2, app.Runs["opted-out"]);
    }

    [Fact]
    public async Task Post_UnknownRoute_IsNotTouchedEvenWithTheGlobalOption()
    {
        await using var app = await StartAsync(o => o.ApplyToAllPostAndPatch = true);

        var first = await app.SendAsync(Requests.Post("/nowhere", key: null));

        Assert.Equal(HttpStatusCode.NotFound, first.Status);
    }
}
