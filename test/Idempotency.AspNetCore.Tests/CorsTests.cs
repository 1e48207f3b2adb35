using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors.Infrastructure;

namespace Idempotency.AspNetCore.Tests;

public sealed class CorsTests
{
    [Fact]
    public async Task Preflight_ForIdempotencyKey_IsAllowed()
    {
        await using var host = await SampleHost.StartAsync();
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/orders");
        preflight.Headers.Add("Origin", "https://shop.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type,idempotency-key");

        var answer = await Answer.SendAsync(host.Client, preflight);

        Assert.Equal(HttpStatusCode.NoContent, answer.Status);
        Assert.Contains("Idempotency-Key", answer.Header("Access-Control-Allow-Headers"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal((0, 0), await host.GetRunsAsync());
    }

    [Fact]
    public async Task Replay_FromBrowser_ExposesTheReplayHeader()
    {
        await using var host = await SampleHost.StartAsync();
        var key = Requests.NewKey();

        await Answer.SendAsync(host.Client, WithOrigin(Requests.Post("/orders", key)));
        var replay = await Answer.SendAsync(host.Client, WithOrigin(Requests.Post("/orders", key)));

        Assert.True(replay.IsReplayed);
        Assert.Equal("*", replay.Header("Access-Control-Allow-Origin"));
        Assert.Contains("Idempotent-Replayed", replay.Header("Access-Control-Expose-Headers"), StringComparison.Ordinal);
        Assert.Contains("Retry-After", replay.Header("Access-Control-Expose-Headers"), StringComparison.Ordinal);
    }

    [Fact]
    public void WithIdempotencyHeaders_AfterAllowAnyHeader_KeepsAnyHeader()
    {
        var policy = new CorsPolicyBuilder().AllowAnyOrigin().AllowAnyHeader().WithIdempotencyHeaders().Build();

        Assert.True(policy.AllowAnyHeader);
        Assert.Equal(["Idempotent-Replayed", "Retry-After"], policy.ExposedHeaders);
    }

    [Fact]
    public void WithIdempotencyHeaders_CustomNames_AreAllowedAndExposed()
    {
        var policy = new CorsPolicyBuilder().WithOrigins("https://a.example").WithIdempotencyHeaders("Request-Key", "X-Replayed", "X-Idempotency-Key").Build();

        Assert.Equal(["Request-Key", "X-Idempotency-Key"], policy.Headers);
        Assert.Equal(["X-Replayed", "Retry-After"], policy.ExposedHeaders);
    }

    private static HttpRequestMessage WithOrigin(HttpRequestMessage request)
    {
        request.Headers.Add("Origin", "https://shop.example");
        return request;
    }
}
