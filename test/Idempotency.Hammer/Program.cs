// Spawned by the store tests (several processes at once): each hammers the same keys through its own connection and
// prints one "EXECUTED <key>" line per operation that really ran, so the test can check every key ran exactly once in total.
// Usage: Idempotency.Hammer --store redis|postgres --connection <string> [--keys 200] [--rounds 3] [--service hammer]
using Idempotency;

var arguments = Arguments.Parse(args);
await using var store = await HammerStores.CreateAsync(arguments.Store, arguments.Connection);
var options = new IdempotencyOptions { ServiceName = arguments.Service };
options.DefaultPolicy.InProgressWait = TimeSpan.FromSeconds(30);
var executor = IdempotencyExecutor.Create(options, store.Store);

var executed = 0;
var replayed = 0;
var output = Console.Out;
var keys = Enumerable.Range(0, arguments.Keys).Select(i => $"key-{i}").ToArray();
for (var round = 0; round < arguments.Rounds; round++)
{
    Random.Shared.Shuffle(keys);
    await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (key, ct) =>
    {
        var result = await executor.ExecuteAsync(new IdempotencyRequest("hammer", key) { Fingerprint = "f" }, async token =>
        {
            lock (output)
            {
                output.WriteLine($"EXECUTED {key}");
            }

            await Task.Delay(2, token);
            return key.Length;
        }, ct);
        Interlocked.Increment(ref result.IsReplayed ? ref replayed : ref executed);
    });
}

output.WriteLine($"DONE executed={executed} replayed={replayed}");
return 0;

internal sealed record Arguments(string Store, string Connection, int Keys, int Rounds, string Service)
{
    public static Arguments Parse(string[] args)
    {
        string Value(string name, string? fallback = null)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback ?? throw new ArgumentException($"missing {name}");
        }

        return new Arguments(Value("--store"), Value("--connection"), int.Parse(Value("--keys", "200")), int.Parse(Value("--rounds", "3")), Value("--service", "hammer"));
    }
}

/// <summary>A store and whatever owns its connection.</summary>
internal sealed class HammerStore(IIdempotencyStore store, IAsyncDisposable? owner) : IAsyncDisposable
{
    public IIdempotencyStore Store { get; } = store;

    public ValueTask DisposeAsync() => owner?.DisposeAsync() ?? ValueTask.CompletedTask;
}

internal static partial class HammerStores
{
    public static Task<HammerStore> CreateAsync(string store, string connection) => store switch
    {
        "redis" => CreateRedisAsync(connection),
        "postgres" => CreatePostgresAsync(connection),
        _ => throw new ArgumentException($"unknown store {store}"),
    };
}
