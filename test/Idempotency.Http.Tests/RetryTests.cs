using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace Idempotency.Http.Tests;

/// <summary>
/// Retries of a resilience handler registered after <c>AddIdempotencyKeys()</c>: every attempt carries the same key,
/// proved by what the server received and by how many times its handler ran.
/// </summary>
public sealed class RetryTests : IAsyncLifetime
{
    private readonly Attempts _attempts = new();
    private OrdersServer _server = null!;

    public async Task InitializeAsync() => _server = await OrdersServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task SendAsync_ResponseLostAfterTheServerRan_RetryGetsTheReplayAndTheHandlerRanOnce()
    {
        using var host = ClientHost.Create(_server, builder => builder
            .AddIdempotencyKeys()
            .AddRetry(maxRetries: 3)
            .AddHttpMessageHandler(() => new AttemptRecorder(_attempts))
            .AddHttpMessageHandler(() => new LoseResponsesHandler(lose: 1)));

        using var response = await host.Client.PostAsync("/orders", Requests.Order("lamp", 2));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True(response.IsReplayed());
        var key = response.RequestMessage!.GetIdempotencyKey();
        Assert.Matches(Requests.UuidV4(), key);

        // On the wire: two requests with that one key; the first one's response is the one the retry got back.
        var seen = _server.Log.To("/orders");
        Assert.Equal(2, seen.Count);
        Assert.All(seen, request => Assert.Equal([key!], request.Keys(Requests.KeyHeader)));
        Assert.Equal([new Attempt(key, null, false, nameof(HttpRequestException)), new Attempt(key, HttpStatusCode.Created, true, null)], _attempts.All);
        Assert.Equal((1, 0), await _server.GetRunsAsync());

        // The replay is the first execution's response: the order it created exists under the replayed Location.
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"item\":\"lamp\"", body, StringComparison.Ordinal);
        using var created = await host.Client.GetAsync(response.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal(body, await created.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SendAsync_ResponseLostTwice_EveryRetryReplaysTheSameBodyAndLocation()
    {
        // The lost responses are read in full by the fault injector; a third client with the same key reads it again.
        using var host = ClientHost.Create(_server, builder => builder
            .AddIdempotencyKeys()
            .AddRetry(maxRetries: 3)
            .AddHttpMessageHandler(() => new AttemptRecorder(_attempts))
            .AddHttpMessageHandler(() => new LoseResponsesHandler(lose: 2)));

        using var retried = await host.Client.PostAsync("/orders", Requests.Order());
        var key = retried.RequestMessage!.GetIdempotencyKey()!;
        using var again = await host.Client.SendAsync(Requests.Post("/orders", key));

        Assert.True(retried.IsReplayed());
        Assert.True(again.IsReplayed());
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(retried.Headers.Location, again.Headers.Location);
        Assert.Equal(await retried.Content.ReadAsByteArrayAsync(), await again.Content.ReadAsByteArrayAsync());
        Assert.Equal(4, _server.Log.To("/orders").Count);
        Assert.All(_server.Log.To("/orders"), request => Assert.Equal([key], request.Keys(Requests.KeyHeader)));
        Assert.Equal((1, 0), await _server.GetRunsAsync());
    }

    [Fact]
    public async Task SendAsync_KeyHandlerRegisteredAfterTheRetryHandler_StillKeepsOneKey()
    {
        // The retry handler re-sends the same message, which already carries the key from the first attempt.
        using var host = ClientHost.Create(_server, builder => builder
            .AddRetry(maxRetries: 3)
            .AddIdempotencyKeys()
            .AddHttpMessageHandler(() => new LoseResponsesHandler(lose: 1)));

        using var response = await host.Client.PostAsync("/orders", Requests.Order());

        Assert.True(response.IsReplayed());
        var keys = _server.Log.To("/orders").Select(r => Assert.Single(r.Keys(Requests.KeyHeader))).ToList();
        Assert.Equal(2, keys.Count);
        Assert.Single(keys.Distinct());
        Assert.Equal((1, 0), await _server.GetRunsAsync());
    }

    [Theory]
    [InlineData("fail=true")]
    [InlineData("status=500")]
    public async Task SendAsync_ServerErrorOnEveryAttempt_KeyIsReleasedAndEveryRetryRunsAgain(string query)
    {
        // A 5xx (or a thrown exception) is not stored: the key is released, so each retry is a new execution.
        using var host = ClientHost.Create(_server, builder => builder
            .AddIdempotencyKeys()
            .AddRetry(maxRetries: 2, delayMs: 300)
            .AddHttpMessageHandler(() => new AttemptRecorder(_attempts)));

        using var response = await host.Client.PostAsync("/orders?" + query, Requests.Order());

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.False(response.IsReplayed());
        var key = response.RequestMessage!.GetIdempotencyKey();
        Assert.Equal(3, _attempts.All.Count);
        Assert.All(_attempts.All, attempt => Assert.Equal(new Attempt(key, HttpStatusCode.InternalServerError, false, null), attempt));
        Assert.All(_server.Log.To("/orders"), request => Assert.Equal([key!], request.Keys(Requests.KeyHeader)));
        Assert.Equal((3, 0), await _server.GetRunsAsync());
    }

    [Fact]
    public async Task SendAsync_FirstAttemptAnswers503_RetryRunsAgainAndSucceedsOnce()
    {
        // Only the first attempt asks the sample for a 503; the released key lets the retry execute for real.
        using var host = ClientHost.Create(_server, builder => builder
            .AddIdempotencyKeys()
            .AddRetry(maxRetries: 2, delayMs: 300)
            .AddHttpMessageHandler(() => new AttemptRecorder(_attempts))
            .AddHttpMessageHandler(() => new AlterFirstAttemptQueryHandler("status=503")));

        using var response = await host.Client.PostAsync("/orders", Requests.Order());
        var key = response.RequestMessage!.GetIdempotencyKey()!;
        using var retry = await host.Client.SendAsync(Requests.Post("/orders", key));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.False(response.IsReplayed());
        Assert.Equal([new Attempt(key, HttpStatusCode.ServiceUnavailable, false, null), new Attempt(key, HttpStatusCode.Created, false, null), new Attempt(key, HttpStatusCode.Created, true, null)], _attempts.All);
        Assert.Equal(["/orders?status=503", "/orders", "/orders"], _server.Log.To("/orders").Select(r => r.PathAndQuery));
        Assert.All(_server.Log.To("/orders"), request => Assert.Equal([key], request.Keys(Requests.KeyHeader)));
        Assert.Equal((2, 0), await _server.GetRunsAsync());
        Assert.Equal(response.Headers.Location, retry.Headers.Location);
    }

    [Fact]
    public async Task SendAsync_RetryWhileTheFirstAttemptStillRuns_Gets409ThenTheReplay()
    {
        // The first attempt is abandoned by the client while the server keeps working on it for 2.5 s; the retries on
        // 409 (Retry-After: 1) carry the same key until the first run completes and its response is replayed.
        Task<HttpResponseMessage>? abandoned = null;
        using var host = ClientHost.Create(_server, builder => builder
            .AddIdempotencyKeys()
            .AddRetry(maxRetries: 10, onConflict: true)
            .AddHttpMessageHandler(() => new AttemptRecorder(_attempts))
            .AddHttpMessageHandler(() => new AbandonFirstAttemptHandler(
                () => _server.WaitForOrderRunsAsync(1, TimeSpan.FromSeconds(10)),
                task => abandoned = task)));

        using var response = await host.Client.PostAsync("/orders?delayMs=2500", Requests.Order());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True(response.IsReplayed());
        var key = response.RequestMessage!.GetIdempotencyKey();
        var attempts = _attempts.All;
        Assert.Equal(new Attempt(key, null, false, nameof(HttpRequestException)), attempts[0]);
        Assert.Equal(new Attempt(key, HttpStatusCode.Created, true, null), attempts[^1]);
        Assert.NotEmpty(attempts.Skip(1).SkipLast(1));
        Assert.All(attempts.Skip(1).SkipLast(1), attempt => Assert.Equal(new Attempt(key, HttpStatusCode.Conflict, false, null), attempt));
        Assert.Equal(attempts.Count, _server.Log.To("/orders").Count);
        Assert.All(_server.Log.To("/orders"), request => Assert.Equal([key!], request.Keys(Requests.KeyHeader)));
        Assert.Equal((1, 0), await _server.GetRunsAsync());

        // The abandoned first attempt did finish on the server, and the replay is its response.
        Assert.NotNull(abandoned);
        using var first = await abandoned;
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.False(first.IsReplayed());
        Assert.Equal(first.Headers.Location, response.Headers.Location);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await response.Content.ReadAsByteArrayAsync());
    }
}
