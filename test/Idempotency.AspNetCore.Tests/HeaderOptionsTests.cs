using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Idempotency.AspNetCore.Tests;

public sealed class HeaderOptionsTests
{
    private static Task<TestApp> StartAsync(Action<IdempotencyMiddlewareOptions> http) =>
        TestApp.StartAsync(
            (app, runs) => app.MapPost("/pay", () =>
            {
                runs.Ran("pay");
                return Results.Ok(new { id = Guid.NewGuid() });
            }).RequireIdempotency(),
            http);

    [Fact]
    public async Task Pay_StrictModeBareKey_Returns400()
    {
        await using var app = await StartAsync(o => o.StrictHeaderParsing = true);

        var bare = await app.SendAsync(Requests.Post("/pay", "abc"));
        var quoted = await app.SendAsync(Requests.Post("/pay", "\"abc\""));

        Assert.Equal(HttpStatusCode.BadRequest, bare.Status);
        Assert.Equal(ProblemTypes.KeyInvalid, bare.ProblemType);
        Assert.Equal(HttpStatusCode.OK, quoted.Status);
        Assert.Equal(1, app.Runs["pay"]);
    }

    [Fact]
    public async Task Pay_LegacyHeaderConfigured_IsAcceptedAsTheSameKey()
    {
        await using var app = await StartAsync(o => o.LegacyHeaderNames.Add("X-Idempotency-Key"));

        var legacy = await app.SendAsync(Requests.Post("/pay", "k1", headerName: "X-Idempotency-Key"));
        var standard = await app.SendAsync(Requests.Post("/pay", "k1"));

        Assert.Equal(HttpStatusCode.OK, legacy.Status);
        Assert.True(standard.IsReplayed);
        Assert.Equal(legacy.Body, standard.Body);
        Assert.Equal(1, app.Runs["pay"]);
    }

    [Fact]
    public async Task Pay_LegacyAndStandardHeadersDisagree_Returns400()
    {
        await using var app = await StartAsync(o => o.LegacyHeaderNames.Add("X-Idempotency-Key"));
        var request = Requests.Post("/pay", "k1");
        request.Headers.TryAddWithoutValidation("X-Idempotency-Key", "k2");

        var answer = await app.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(ProblemTypes.KeyInvalid, answer.ProblemType);
        Assert.Equal(0, app.Runs["pay"]);
    }

    [Fact]
    public async Task Pay_LegacyHeaderNotConfigured_IsIgnoredSoTheKeyIsMissing()
    {
        await using var app = await StartAsync(_ => { });

        var answer = await app.SendAsync(Requests.Post("/pay", "k1", headerName: "X-Idempotency-Key"));

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(ProblemTypes.KeyMissing, answer.ProblemType);
    }

    [Fact]
    public async Task Pay_CustomHeaderNamesAndProblemTypes_AreUsed()
    {
        await using var app = await StartAsync(o =>
        {
            o.HeaderName = "Request-Key";
            o.ReplayedHeaderName = "X-Replayed";
            o.ProblemTypes.KeyMissing = "https://errors.example/missing-key";
        });

        var missing = await app.SendAsync(Requests.Post("/pay", "k1"));
        var first = await app.SendAsync(Requests.Post("/pay", "k1", headerName: "Request-Key"));
        var second = await app.SendAsync(Requests.Post("/pay", "k1", headerName: "Request-Key"));

        Assert.Equal("https://errors.example/missing-key", missing.ProblemType);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal("true", second.Header("X-Replayed"));
        Assert.Null(second.Header("Idempotent-Replayed"));
        Assert.Equal(1, app.Runs["pay"]);
    }

    [Fact]
    public async Task Pay_KeyFailsCoreKeyValidator_Returns400()
    {
        await using var app = await TestApp.StartAsync(
            (app, runs) => app.MapPost("/pay", () => Results.Ok()).RequireIdempotency(),
            core: o => o.KeyValidator = key => key.StartsWith("idem_", StringComparison.Ordinal));

        var rejected = await app.SendAsync(Requests.Post("/pay", "abc"));
        var accepted = await app.SendAsync(Requests.Post("/pay", "idem_abc"));

        Assert.Equal(HttpStatusCode.BadRequest, rejected.Status);
        Assert.Equal(ProblemTypes.KeyInvalid, rejected.ProblemType);
        Assert.Equal(HttpStatusCode.OK, accepted.Status);
    }
}
