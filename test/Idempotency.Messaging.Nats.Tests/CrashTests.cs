using System.Globalization;
using Idempotency.TestServers;
using Xunit.Abstractions;

namespace Idempotency.Messaging.Nats.Tests;

// A consumer process killed with SIGKILL in the middle of a handler: its claim stays in Redis until the lease ends, JetStream
// redelivers the message (no ack, no more in-progress acks), and a second process runs the handler once more, after the
// lease. Every other event still runs once: those the first process finished are duplicates, whatever happened to its acks.
public sealed class CrashTests(NatsFixture nats, ITestOutputHelper output) : IClassFixture<NatsFixture>, IAsyncLifetime
{
    private const int Events = 30;
    private const string Victim = "evt-10";
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3); // the worker's DefaultPolicy.Lease, renewed every third
    private readonly RedisServer _redis = new();
    private readonly string _log = Path.Combine(Path.GetTempPath(), $"nats-crash-{Guid.NewGuid():N}.log");

    public Task InitializeAsync() => _redis.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        File.Delete(_log);
    }

    [Fact]
    public async Task ConsumerKilledMidHandler_ExactlyOneRecoveryRunAfterTheLease()
    {
        var stream = await nats.CreateStreamAsync();
        await stream.CreateConsumerAsync("shipping", c =>
        {
            c.AckWait = TimeSpan.FromSeconds(2);
            c.MaxDeliver = 20;
        });
        for (var i = 0; i < Events; i++)
        {
            await stream.PublishAsync($"evt-{i}", eventName: "placed");
        }

        string[] Arguments(params string[] extra) =>
            ["--nats", stream.Url, "--redis", _redis.ConnectionString, "--stream", stream.Name, "--consumer", "shipping", "--service", stream.Name, "--log", _log, .. extra];

        DateTimeOffset killedAt;
        using (var first = await WorkerProcess.StartAsync(Arguments("--hang-on", Victim)))
        {
            await Eventually.TrueAsync(() => Task.FromResult(Lines().Any(l => l.What == "START" && l.EventId == Victim)), TimeSpan.FromSeconds(30), () => Task.FromResult(first.Output));
            first.KillHard();
            killedAt = DateTimeOffset.UtcNow;
        }

        using (var second = await WorkerProcess.StartAsync(Arguments()))
        {
            await stream.WaitUntilAllAnsweredAsync("shipping", Events, TimeSpan.FromSeconds(60));
        }

        var lines = Lines();
        var done = lines.Where(l => l.What == "DONE").GroupBy(l => l.EventId).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Events, done.Count);
        Assert.All(done, pair => Assert.True(pair.Value == 1, $"{pair.Key} finished {pair.Value} times"));

        var victimStarts = lines.Where(l => l.What == "START" && l.EventId == Victim).ToList();
        output.WriteLine($"first worker finished {lines.Count(l => l.What == "DONE" && l.Pid == victimStarts[0].Pid)} events before it was killed; the recovery of {Victim} started {(victimStarts[^1].At - killedAt).TotalSeconds:0.0} s after the kill");
        Assert.Equal(2, victimStarts.Count); // the run killed mid-handler, and exactly one recovery
        Assert.NotEqual(victimStarts[0].Pid, victimStarts[1].Pid);
        Assert.True(
            victimStarts[1].At >= killedAt + (Lease * 2 / 3) - TimeSpan.FromMilliseconds(200),
            $"the recovery started {victimStarts[1].At - killedAt} after the kill, before the lease could have ended");
        Assert.All(lines.Where(l => l.What == "START" && l.EventId != Victim).GroupBy(l => l.EventId), g => Assert.Single(g));
    }

    private List<(string What, string EventId, int Pid, DateTimeOffset At)> Lines() =>
        !File.Exists(_log) ? [] : File.ReadAllLines(_log)
            .Select(line => line.Split(' '))
            .Where(parts => parts.Length == 4)
            .Select(parts => (parts[0], parts[1], int.Parse(parts[2], CultureInfo.InvariantCulture), DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(parts[3], CultureInfo.InvariantCulture))))
            .ToList();
}
