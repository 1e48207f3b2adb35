using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;

namespace Idempotency.Http.Tests;

/// <summary>The standard resilience and hedging handlers of Microsoft.Extensions.Http.Resilience, configured as docs/http-client.md shows.</summary>
public sealed class ResilienceHandlerTests : IAsyncLifetime
{
    private readonly Attempts _attempts = new();
    private OrdersServer _server = null!;

    public async Task InitializeAsync() => _server = await OrdersServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task StandardResilienceHandler_ResponseLost_RetryReplaysWithTheSameKey()
    {
        using var host = ClientHost.Create(_server, builder =>
        {
            builder.AddIdempotencyKeys().AddStandardResilienceHandler(options =>
            {
                options.Retry.Delay = TimeSpan.FromMilliseconds(20);
                options.Retry.ShouldHandle = args => ValueTask.FromResult(
                    HttpClientResiliencePredicates.IsTransient(args.Outcome) || args.Outcome.Result?.StatusCode == HttpStatusCode.Conflict);
            });
            builder.AddHttpMessageHandler(() => new AttemptRecorder(_attempts)).AddHttpMessageHandler(() => new LoseResponsesHandler(lose: 2));
        });

        using var response = await host.Client.PostAsync("/orders", Requests.Order());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True(response.IsReplayed());
        var key = response.RequestMessage!.GetIdempotencyKey();
        Assert.Equal(3, _attempts.All.Count);
        Assert.All(_server.Log.To("/orders"), request => Assert.Equal([key!], request.Keys(Requests.KeyHeader)));
        Assert.Equal((1, 0), await _server.GetRunsAsync());
    }

    [Fact]
    public async Task HedgingHandler_KeysFirst_HedgedAttemptsShareTheKeyAndTheOperationRunsOnce()
    {
        // The hedged attempt reaches the server while the first one still runs: 409, which the hedging predicate
        // handles, so the first attempt's 201 is the answer.
        using var host = ClientHost.Create(_server, builder => builder
            .AddIdempotencyKeys()
            .AddStandardHedgingHandler().Configure(options => Hedge(options, onConflict: true)));

        using var response = await host.Client.PostAsync("/orders?delayMs=2000", Requests.Order());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var seen = _server.Log.To("/orders");
        Assert.True(seen.Count >= 2, $"expected a hedged attempt, saw {seen.Count} request(s)");
        var key = Assert.Single(seen.Select(r => Assert.Single(r.Keys(Requests.KeyHeader))).Distinct());
        Assert.Equal(key, response.RequestMessage!.GetIdempotencyKey());
        Assert.Equal((1, 0), await _server.GetRunsAsync());
    }

    [Fact]
    public async Task HedgingHandler_KeysAfterIt_EachHedgedAttemptGetsItsOwnKeyAndRunsAgain()
    {
        // The misconfiguration docs/http-client.md warns about: hedging clones the request before the key exists.
        using var host = ClientHost.Create(_server, builder =>
        {
            builder.AddStandardHedgingHandler().Configure(options => Hedge(options, onConflict: true));
            builder.AddIdempotencyKeys();
        });

        using var response = await host.Client.PostAsync("/orders?delayMs=2000", Requests.Order());

        var keys = _server.Log.To("/orders").Select(r => Assert.Single(r.Keys(Requests.KeyHeader))).ToList();
        Assert.True(keys.Count >= 2, $"expected a hedged attempt, saw {keys.Count} request(s)");
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.Equal(keys.Count, (await _server.GetRunsAsync()).Orders);
    }

    [Fact]
    public async Task HedgingHandler_ConflictNotHandled_TheHedgedAttempts409WinsTheRace()
    {
        // Why docs/http-client.md says to add 409 to the hedging predicate: otherwise the duplicate's quick 409 is the answer.
        using var host = ClientHost.Create(_server, builder => builder
            .AddIdempotencyKeys()
            .AddStandardHedgingHandler().Configure(options => Hedge(options, onConflict: false)));

        using var response = await host.Client.PostAsync("/orders?delayMs=2000", Requests.Order());

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(["1"], response.Headers.GetValues("Retry-After"));
        await _server.WaitForOrderRunsAsync(1, TimeSpan.FromSeconds(5));
        Assert.Equal((1, 0), await _server.GetRunsAsync());
    }

    private static void Hedge(HttpStandardHedgingResilienceOptions options, bool onConflict)
    {
        options.Hedging.Delay = TimeSpan.FromMilliseconds(150);
        options.Hedging.MaxHedgedAttempts = 1;
        options.Hedging.ShouldHandle = args => ValueTask.FromResult(
            HttpClientResiliencePredicates.IsTransient(args.Outcome)
            || (onConflict && args.Outcome.Result?.StatusCode == HttpStatusCode.Conflict));
    }
}
