using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Idempotency.AspNetCore.Tests;

public sealed class ResponseHeaderTests
{
    private static Task<TestApp> StartAsync(Action<IdempotencyMiddlewareOptions>? http = null) =>
        TestApp.StartAsync(
            (app, runs) => app.MapPost("/login", async (HttpContext http) =>
            {
                var run = runs.Ran("login");
                http.Response.StatusCode = StatusCodes.Status201Created;
                http.Response.Headers.SetCookie = $"session=s{run}; HttpOnly";
                http.Response.Headers.ETag = $"\"v{run}\"";
                http.Response.Headers.CacheControl = "private, max-age=60";
                http.Response.Headers.Location = $"/sessions/{run}";
                http.Response.Headers["X-Custom"] = $"custom-{run}";
                http.Response.Headers.WWWAuthenticate = "Bearer";
                http.Response.Headers["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
                http.Response.ContentType = "text/plain";
                await http.Response.WriteAsync($"run {run}");
            }).RequireIdempotency(),
            http);

    [Fact]
    public async Task Login_Replay_HasAllowListedHeadersButNeverSetCookie()
    {
        await using var app = await StartAsync();

        var first = await app.SendAsync(Requests.Post("/login", "k1"));
        var replay = await app.SendAsync(Requests.Post("/login", "k1"));

        Assert.Equal("session=s1; HttpOnly", first.Header("Set-Cookie"));
        Assert.Equal(HttpStatusCode.Created, replay.Status);
        Assert.True(replay.IsReplayed);
        Assert.Equal("run 1", replay.Text);
        Assert.Equal("\"v1\"", replay.Header("ETag"));
        Assert.Equal(first.Header("Cache-Control"), replay.Header("Cache-Control"));
        Assert.Contains("max-age=60", replay.Header("Cache-Control"), StringComparison.Ordinal);
        Assert.Equal("/sessions/1", replay.Header("Location"));
        Assert.Equal("text/plain", replay.Header("Content-Type"));
        Assert.Equal("5", replay.Header("Content-Length"));
        Assert.Null(replay.Header("Set-Cookie"));
        Assert.Null(replay.Header("X-Custom"));
        Assert.Null(replay.Header("WWW-Authenticate"));
        Assert.Null(replay.Header("traceparent"));
        Assert.Equal(1, app.Runs["login"]);
    }

    [Fact]
    public async Task Login_AllowListExtended_ReplaysCustomHeaderButStillNeverSetCookieOrAuthentication()
    {
        await using var app = await StartAsync(o =>
        {
            o.ReplayedResponseHeaders.Add("X-Custom");
            o.ReplayedResponseHeaders.Add("Set-Cookie");
            o.ReplayedResponseHeaders.Add("WWW-Authenticate");
            o.ReplayedResponseHeaders.Add("traceparent");
        });

        await app.SendAsync(Requests.Post("/login", "k1"));
        var replay = await app.SendAsync(Requests.Post("/login", "k1"));

        Assert.True(replay.IsReplayed);
        Assert.Equal("custom-1", replay.Header("X-Custom"));
        Assert.Null(replay.Header("Set-Cookie"));
        Assert.Null(replay.Header("WWW-Authenticate"));
        Assert.Null(replay.Header("traceparent"));
    }

    [Fact]
    public async Task Login_AllowListCleared_ReplaysStatusAndBodyOnly()
    {
        await using var app = await StartAsync(o => o.ReplayedResponseHeaders.Clear());

        await app.SendAsync(Requests.Post("/login", "k1"));
        var replay = await app.SendAsync(Requests.Post("/login", "k1"));

        Assert.Equal(HttpStatusCode.Created, replay.Status);
        Assert.Equal("run 1", replay.Text);
        Assert.Null(replay.Header("ETag"));
        Assert.Null(replay.Header("Location"));
        Assert.Equal("true", replay.Header("Idempotent-Replayed"));
    }
}
