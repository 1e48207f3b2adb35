using System.Net;
using Idempotency.AspNetCore;
using Microsoft.Extensions.DependencyInjection;

namespace Idempotency.Http.Tests;

/// <summary><c>IsReplayed()</c> tells a first execution from a replay.</summary>
public sealed class ReplayDetectionTests : IAsyncLifetime
{
    private OrdersServer _server = null!;

    public async Task InitializeAsync() => _server = await OrdersServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task IsReplayed_FirstExecutionThenReplay_FalseThenTrue()
    {
        using var host = ClientHost.Create(_server, builder => builder.AddIdempotencyKeys());

        using var first = await host.Client.SendAsync(Requests.Post("/orders", "replay-me"));
        using var second = await host.Client.SendAsync(Requests.Post("/orders", "replay-me"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.False(first.IsReplayed());
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.True(second.IsReplayed());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await second.Content.ReadAsByteArrayAsync());
        Assert.Equal((1, 0), await _server.GetRunsAsync());
    }

    [Fact]
    public async Task IsReplayed_ProblemAnswers_AreNotReplays()
    {
        // A 409 (in flight) and a 422 (key reused with another body) are answers about this attempt, not replays.
        using var host = ClientHost.Create(_server, builder => builder.AddIdempotencyKeys());
        var slow = host.Client.SendAsync(Requests.Post("/orders?delayMs=3000", "busy"));
        await _server.WaitForOrderRunsAsync(1, TimeSpan.FromSeconds(10));

        using var inFlight = await host.Client.SendAsync(Requests.Post("/orders?delayMs=3000", "busy"));
        using var first = await slow;
        using var reused = await host.Client.SendAsync(Requests.Post("/orders", "busy"));

        Assert.Equal(HttpStatusCode.Conflict, inFlight.StatusCode);
        Assert.False(inFlight.IsReplayed());
        Assert.False(first.IsReplayed());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.False(reused.IsReplayed());
    }

    [Fact]
    public async Task IsReplayed_ServerWithAnotherReplayHeader_NeedsTheMatchingOption()
    {
        await using var server = await OrdersServer.StartAsync(builder =>
            builder.Services.Configure<IdempotencyMiddlewareOptions>(options => options.ReplayedHeaderName = "X-Replayed"));
        using var configured = ClientHost.Create(server, builder => builder.AddIdempotencyKeys(options => options.ReplayedHeaderName = "X-Replayed"));
        using var defaults = ClientHost.Create(server, builder => builder.AddIdempotencyKeys());

        using var first = await configured.Client.SendAsync(Requests.Post("/orders", "k"));
        using var replay = await configured.Client.SendAsync(Requests.Post("/orders", "k"));
        using var replaySeenByDefaults = await defaults.Client.SendAsync(Requests.Post("/orders", "k"));

        Assert.False(first.IsReplayed());
        Assert.True(replay.IsReplayed());
        Assert.Equal(["true"], replaySeenByDefaults.Headers.GetValues("X-Replayed"));
        Assert.False(replaySeenByDefaults.IsReplayed());
        Assert.Equal((1, 0), await server.GetRunsAsync());
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData(" TRUE ", true)]
    [InlineData("false", false)]
    [InlineData("?1", false)]
    [InlineData(null, false)]
    public void IsReplayed_ResponseWithoutRequest_ReadsTheDefaultHeader(string? value, bool expected)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.Created);
        if (value is not null)
        {
            response.Headers.TryAddWithoutValidation("Idempotent-Replayed", value);
        }

        Assert.Equal(expected, response.IsReplayed());
    }
}
