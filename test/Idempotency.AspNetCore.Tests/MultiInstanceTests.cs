using System.Net;
using Idempotency.TestServers;

namespace Idempotency.AspNetCore.Tests;

/// <summary>One real redis-server and one real PostgreSQL for the multi-instance tests.</summary>
public sealed class SharedStoresFixture : IAsyncLifetime
{
    public RedisServer Redis { get; } = new();

    public PostgresServer Postgres { get; } = new();

    public async Task InitializeAsync()
    {
        await Redis.InitializeAsync();
        await Postgres.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Redis.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SharedStoresCollection : ICollectionFixture<SharedStoresFixture>
{
    public const string Name = "shared-stores";
}

/// <summary>
/// Two instances of the sample on Kestrel (real HTTP on loopback ports) sharing one durable store: a key names one
/// execution across instances, and survives an app restart.
/// </summary>
public abstract class MultiInstanceTests
{
    protected abstract string[] StoreArgs { get; }

    [Fact]
    public async Task PostOrders_SameKeyToTwoInstances_RunsOnce()
    {
        await using var a = await SampleHost.StartKestrelAsync(StoreArgs);
        await using var b = await SampleHost.StartKestrelAsync(StoreArgs);
        var key = Requests.NewKey();

        // Long enough that the request to B lands while A still runs, even on a loaded machine.
        var firstTask = Answer.SendAsync(a.Client, Requests.Post("/orders?delayMs=3000", key));
        while ((await a.GetRunsAsync()).Orders == 0)
        {
            await Task.Delay(10);
        }

        var onB = await Answer.SendAsync(b.Client, Requests.Post("/orders?delayMs=3000", key));
        var first = await firstTask;
        var replayOnB = await Answer.SendAsync(b.Client, Requests.Post("/orders?delayMs=3000", key));

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.Conflict, onB.Status);
        Assert.Equal(ProblemTypes.InProgress, onB.ProblemType);
        Assert.True(replayOnB.IsReplayed);
        Assert.Equal(first.Body, replayOnB.Body);
        Assert.Equal(first.Header("Location"), replayOnB.Header("Location"));
        Assert.Equal((1, 0), await a.GetRunsAsync());
        Assert.Equal((0, 0), await b.GetRunsAsync());
    }

    [Fact]
    public async Task PostOrders_ParallelRequestsSplitAcrossInstances_RunOnceAnswer409OrIdenticalReplay()
    {
        await using var a = await SampleHost.StartKestrelAsync(StoreArgs);
        await using var b = await SampleHost.StartKestrelAsync(StoreArgs);
        var key = Requests.NewKey();
        using var start = new ManualResetEventSlim();

        var tasks = Enumerable.Range(0, 60).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await Answer.SendAsync((i % 2 == 0 ? a : b).Client, Requests.Post("/orders?delayMs=300", key));
        })).ToArray();
        start.Set();
        var answers = await Task.WhenAll(tasks);

        var runs = (await a.GetRunsAsync()).Orders + (await b.GetRunsAsync()).Orders;
        Assert.Equal(1, runs);
        var executed = Assert.Single(answers, x => x.Status == HttpStatusCode.Created && !x.IsReplayed);
        Assert.All(answers.Where(x => !ReferenceEquals(x, executed)), x =>
        {
            if (x.Status == HttpStatusCode.Conflict)
            {
                Assert.Equal(ProblemTypes.InProgress, x.ProblemType);
            }
            else
            {
                Assert.True(x.IsReplayed);
                Assert.Equal(executed.Body, x.Body);
            }
        });
    }

    [Fact]
    public async Task PostOrders_AfterAppRestart_ReplaysFromTheDurableStore()
    {
        var key = Requests.NewKey();
        Answer first;
        await using (var before = await SampleHost.StartKestrelAsync(StoreArgs))
        {
            first = await Answer.SendAsync(before.Client, Requests.Post("/orders", key, bearer: "alice"));
            Assert.Equal((1, 0), await before.GetRunsAsync());
        }

        await using var after = await SampleHost.StartKestrelAsync(StoreArgs);
        var replay = await Answer.SendAsync(after.Client, Requests.Post("/orders", key, bearer: "alice"));
        var otherPrincipal = await Answer.SendAsync(after.Client, Requests.Post("/orders", key, bearer: "bob"));

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.True(replay.IsReplayed);
        Assert.Equal(first.Body, replay.Body);
        Assert.Equal(first.Header("Location"), replay.Header("Location"));
        Assert.False(otherPrincipal.IsReplayed);
        Assert.Equal((1, 0), await after.GetRunsAsync());
    }

    [Fact]
    public async Task Health_WithSharedStore_IsHealthy()
    {
        await using var a = await SampleHost.StartKestrelAsync(StoreArgs);

        var health = await Answer.SendAsync(a.Client, new HttpRequestMessage(HttpMethod.Get, "/health"));

        Assert.Equal(HttpStatusCode.OK, health.Status);
        Assert.Equal("Healthy", health.Text);
    }
}

[Collection(SharedStoresCollection.Name)]
public sealed class RedisMultiInstanceTests(SharedStoresFixture stores) : MultiInstanceTests
{
    protected override string[] StoreArgs => ["--Idempotency:Store=redis", $"--ConnectionStrings:Redis={stores.Redis.ConnectionString}"];

    [Fact]
    public async Task PostOrders_RedisGoesDownAndComesBack_503ThenOneExecution()
    {
        await using var app = await SampleHost.StartKestrelAsync(StoreArgs);
        var key = Requests.NewKey();
        Assert.Equal(HttpStatusCode.Created, (await Answer.SendAsync(app.Client, Requests.Post("/orders", Requests.NewKey()))).Status);

        await stores.Redis.StopAsync();
        Answer down;
        try
        {
            down = await Answer.SendAsync(app.Client, Requests.Post("/orders", key));
        }
        finally
        {
            await stores.Redis.StartAgainAsync();
        }

        // The client reconnects by itself; until it has, the answer stays 503 and nothing runs.
        Answer up;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            up = await Answer.SendAsync(app.Client, Requests.Post("/orders", key));
        }
        while (up.Status == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline && await Delay());
        var replay = await Answer.SendAsync(app.Client, Requests.Post("/orders", key));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.Status);
        Assert.Equal(ProblemTypes.StoreUnavailable, down.ProblemType);
        Assert.NotNull(down.Header("Retry-After"));
        Assert.Equal(HttpStatusCode.Created, up.Status);
        Assert.True(replay.IsReplayed);
        Assert.Equal(up.Body, replay.Body);
        Assert.Equal((2, 0), await app.GetRunsAsync());
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(200);
        return true;
    }
}

[Collection(SharedStoresCollection.Name)]
public sealed class PostgresMultiInstanceTests(SharedStoresFixture stores) : MultiInstanceTests
{
    protected override string[] StoreArgs => ["--Idempotency:Store=postgres", $"--ConnectionStrings:Postgres={stores.Postgres.ConnectionString}"];
}
