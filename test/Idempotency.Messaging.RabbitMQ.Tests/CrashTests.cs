using System.Globalization;
using Idempotency.TestServers;

namespace Idempotency.Messaging.RabbitMQ.Tests;

// A consumer process killed with SIGKILL mid-handler, with its records in Redis (which outlives it): the broker hands its
// unacknowledged deliveries to the next consumer, which finds the crashed claim in progress until the lease runs out,
// then runs the handler exactly once more; everything the dead process had finished is a duplicate.
[Collection(RabbitMqCollection.Name)]
public sealed class CrashTests(RabbitMqFixture rabbit) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);
    private readonly RedisServer _redis = new();
    private readonly string _log = Path.Combine(Path.GetTempPath(), $"idem-rmq-effects-{Guid.NewGuid():N}.log");

    public Task InitializeAsync() => _redis.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        File.Delete(_log);
    }

    [Fact]
    public async Task ConsumerKilledMidHandler_ExactlyOneRecoveryRunAfterTheLease()
    {
        var queue = await rabbit.QuorumQueueAsync(deliveryLimit: 50);
        var events = Enumerable.Range(0, 20).Select(i => $"evt-{i}").ToList();
        foreach (var id in events)
        {
            await rabbit.PublishAsync(string.Empty, queue.Name, Events.Body(id), Events.Properties());
        }

        string[] Arguments(params string[] extra) =>
        [
            "--amqp", rabbit.Server.AmqpUri.ToString(), "--redis", _redis.ConnectionString, "--instance", $"crash-{Guid.NewGuid():N}:",
            "--queue", queue.Name, "--log", _log, "--lease-ms", ((int)Lease.TotalMilliseconds).ToString(CultureInfo.InvariantCulture), .. extra,
        ];
        var arguments = Arguments();

        // One delivery at a time, so the only handler running at the kill is the one that hangs.
        using (var doomed = ChildConsumer.Start([.. arguments, "--hang", "evt-10", "--prefetch", "1", "--concurrency", "1"]))
        {
            await doomed.WaitForLineAsync("HANGING", Timeout);
            await doomed.KillAsync();
        }

        var killedAt = TimeProvider.System.GetUtcNow();
        using var survivor = ChildConsumer.Start(arguments);
        await survivor.WaitForLineAsync("READY", Timeout);
        await Events.EventuallyAsync(() => Runs().Count == events.Count + 1, Timeout, () => $"{Runs().Count} runs ({string.Join(", ", Runs().Select(r => r.EventId))}); {survivor.Describe()}");
        await rabbit.DrainedAsync(queue.Name, Timeout);
        await survivor.StopAsync(Timeout);

        var runs = Runs();
        Assert.Equal(0u, await rabbit.ReadyCountAsync(queue.Name));
        Assert.Equal(events.Order(), runs.Select(r => r.EventId).Distinct().Order());
        Assert.All(runs.GroupBy(r => r.EventId).Where(g => g.Key != "evt-10"), g => Assert.True(g.Count() == 1, $"{g.Key} ran {g.Count()} times"));
        var crashed = runs.Where(r => r.EventId == "evt-10").ToList();
        Assert.Equal(2, crashed.Count);
        Assert.NotEqual(crashed[0].Pid, crashed[1].Pid);

        // The recovery waited for the crashed claim's lease (claimed just before the first run's line was written).
        Assert.True(crashed[1].At - crashed[0].At >= Lease - TimeSpan.FromMilliseconds(250), $"recovery after {crashed[1].At - crashed[0].At}, lease {Lease}");
        Assert.True(crashed[1].At > killedAt);
    }

    private List<(string EventId, int Pid, DateTimeOffset At)> Runs() =>
        !File.Exists(_log) ? [] : File.ReadAllLines(_log)
            .Select(line => line.Split(' '))
            .Where(parts => parts.Length == 4 && parts[0] == "RUN")
            .Select(parts => (parts[1], int.Parse(parts[2], CultureInfo.InvariantCulture), DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(parts[3], CultureInfo.InvariantCulture))))
            .ToList();
}
