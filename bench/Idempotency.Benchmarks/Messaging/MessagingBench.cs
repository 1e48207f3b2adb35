using System.Diagnostics;
using System.Globalization;
using Idempotency.StackExchangeRedis;
using Idempotency.TestServers;
using StackExchange.Redis;

namespace Idempotency.Benchmarks.Messaging;

/// <summary>
/// Per adapter, the consumer's throughput with the library (in-memory and Redis stores) against the same consumer
/// without it, in alternating batches (order reversed every round) so a busy machine's load hits every side alike.
/// Each batch publishes its own messages (distinct events) before any consumer starts; the consumer is then started
/// and timed from its first handler run to its last. Before measuring, each contender's behaviour is checked once:
/// every message acknowledged, the handler run once per event by the library (once per delivery by the others).
/// </summary>
/// <remarks>See bench/README.md, section Messaging, for how to run it and read it.</remarks>
internal static class MessagingBench
{
    public const string Header = "| comparison | messages | floor msg/s | compared msg/s | ratio | floor B/msg | compared B/msg |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private const int Rounds = 10;

    private static readonly Contender[] Contenders = [Contender.Floor, Contender.Bypassed, Contender.InMemory, Contender.Redis];

    /// <summary>Checks and measures each adapter in turn.</summary>
    /// <param name="adapters">Some of <c>nats</c>, <c>rabbitmq</c>, <c>kafka</c>.</param>
    /// <param name="smoke">One short round per adapter, to check it runs (the numbers mean nothing).</param>
    /// <param name="output">Where the rows go.</param>
    /// <param name="batch">Messages per batch instead of the default (a smoke run of Kafka with more than
    /// <c>MaxBufferedPerPartition</c> messages exercises the partition's pause and resume).</param>
    public static async Task RunAsync(IReadOnlyList<string> adapters, bool smoke, TextWriter output, int? batch = null)
    {
        await using var redis = await RedisStore.StartAsync();
        output.WriteLine(Header);
        foreach (var adapter in adapters)
        {
            var started = Stopwatch.StartNew();
            await using var bench = await StartAsync(adapter, redis.Store);
            output.WriteLine($"// {bench.Name}: {bench.Settings}");
            foreach (var contender in Contenders)
            {
                output.WriteLine($"// {bench.Name} check, {contender.Label()}: {await CheckAsync(bench, contender)}");
            }

            var (rounds, size) = smoke ? (1, batch ?? 500) : (Rounds, batch ?? BatchOf(adapter));
            foreach (var line in await MeasureAsync(bench, rounds, size))
            {
                output.WriteLine(line);
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// {bench.Name}: {rounds} rounds of {size} messages per side, run in {started.Elapsed.TotalSeconds:F0} s"));
        }
    }

    // Kafka's floor reads librdkafka's local queue at memory speed: a bigger batch keeps its timed windows well above a
    // scheduling hiccup. The others wait on the broker's round trips.
    private static int BatchOf(string adapter) => adapter == "kafka" ? 5_000 : 2_000;

    private static async Task<IBrokerBench> StartAsync(string adapter, IIdempotencyStore redisStore) => adapter switch
    {
        "nats" => await NatsBench.StartAsync(redisStore),
        "rabbitmq" => await RabbitMqBench.StartAsync(redisStore),
        "kafka" => await KafkaBench.StartAsync(redisStore),
        _ => throw new ArgumentException($"Unknown adapter '{adapter}': nats, rabbitmq or kafka.", nameof(adapter)),
    };

    /// <summary>
    /// 400 events then 100 re-publications of some of them: the library must run the handler once per event and skip
    /// (and acknowledge) the 100 duplicates; the floor and the bypassed adapter run it for all 500. Nothing may be left
    /// unacknowledged. Throws, refusing to measure, when anything differs.
    /// </summary>
    private static async Task<string> CheckAsync(IBrokerBench bench, Contender contender)
    {
        const int Distinct = 400;
        const int Duplicates = 100;
        // Event ids name the adapter too: the Redis store is shared by every adapter of the run.
        var events = BenchEvents.Create($"{bench.Name}-check-{contender.ToString().ToLowerInvariant()}", Distinct, Duplicates);
        var destination = await bench.PublishAsync(events);
        var dedupes = contender.Deduplicates();
        var clock = new BatchClock(dedupes ? Distinct : Distinct + Duplicates, countEvents: true);
        using var outcomes = new OutcomeCounter();
        await using (await bench.StartAsync(contender, destination, clock))
        {
            await clock.WaitAsync($"{bench.Name} check, {contender.Label()}");
            if (dedupes)
            {
                // The duplicates do not run the handler: wait for their outcomes instead.
                var waited = Stopwatch.StartNew();
                while (outcomes.Total < events.Count && waited.Elapsed < Timeout)
                {
                    await Task.Delay(20);
                }
            }
        }

        var unanswered = await bench.UnansweredAsync(destination);
        await bench.DeleteAsync(destination);
        var perEvent = clock.RunsByEvent;
        var problems = new List<string>();
        if (perEvent.Count != Distinct)
        {
            problems.Add($"{perEvent.Count} distinct events ran, not {Distinct}");
        }

        if (clock.Runs != clock.Target)
        {
            problems.Add($"{clock.Runs} handler runs, not {clock.Target}");
        }

        if (dedupes && (perEvent.Values.Any(runs => runs != 1) || outcomes["processed"] != Distinct || outcomes["duplicate"] != Duplicates))
        {
            problems.Add($"outcomes: {outcomes}; events run more than once: {perEvent.Count(p => p.Value != 1)}");
        }

        if (unanswered != 0)
        {
            problems.Add($"{unanswered} messages left unacknowledged");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"{bench.Name}, {contender.Label()}: {string.Join("; ", problems)}. Refusing to measure.");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{events.Count} messages ({Distinct} events, {Duplicates} re-published): {clock.Runs} handler runs, {(dedupes ? outcomes["duplicate"] : 0)} duplicates skipped, none left unacknowledged");
    }

    private static async Task<List<string>> MeasureAsync(IBrokerBench bench, int rounds, int batch)
    {
        var time = new TimeSpan[Contenders.Length];
        var bytes = new long[Contenders.Length];

        // Round -1 warms every side up (JIT, connections, pools) and is not counted.
        for (var round = -1; round < rounds; round++)
        {
            var order = round % 2 == 0 ? Contenders : Contenders.Reverse();
            foreach (var contender in order)
            {
                var events = BenchEvents.Create($"{bench.Name}-r{round}-{contender.ToString().ToLowerInvariant()}", batch);
                var destination = await bench.PublishAsync(events);
                var clock = new BatchClock(batch);
                await using (await bench.StartAsync(contender, destination, clock))
                {
                    await clock.WaitAsync($"{bench.Name} round {round}, {contender.Label()}");
                }

                await bench.DeleteAsync(destination);
                if (round >= 0)
                {
                    time[(int)contender] += clock.Elapsed;
                    bytes[(int)contender] += clock.AllocatedBytes;
                }
            }
        }

        var messages = (double)rounds * batch;
        string Row(Contender baseline, Contender compared) => string.Create(
            CultureInfo.InvariantCulture,
            $"| {bench.Name}: {baseline.Label()} vs {compared.Label()} | {messages:F0} | {messages / time[(int)baseline].TotalSeconds:F0} | {messages / time[(int)compared].TotalSeconds:F0} | {time[(int)baseline] / time[(int)compared]:F2} | {bytes[(int)baseline] / messages:F0} | {bytes[(int)compared] / messages:F0} |");
        return
        [
            Row(Contender.Floor, Contender.InMemory),
            Row(Contender.Floor, Contender.Redis),
            Row(Contender.Floor, Contender.Bypassed),
            Row(Contender.Bypassed, Contender.InMemory),
        ];
    }

    /// <summary>The run's redis-server (the test fixture) and the library's store on it, shared by every adapter.</summary>
    private sealed class RedisStore : IAsyncDisposable
    {
        private readonly RedisServer _server = new();
        private ConnectionMultiplexer _multiplexer = null!;

        public IIdempotencyStore Store { get; private set; } = null!;

        public static async Task<RedisStore> StartAsync()
        {
            var redis = new RedisStore();
            await redis._server.InitializeAsync();
            redis._multiplexer = await ConnectionMultiplexer.ConnectAsync(redis._server.ConnectionString);
            redis.Store = new RedisIdempotencyStore(redis._multiplexer);
            return redis;
        }

        public async ValueTask DisposeAsync()
        {
            await _multiplexer.DisposeAsync();
            await _server.DisposeAsync();
        }
    }
}
