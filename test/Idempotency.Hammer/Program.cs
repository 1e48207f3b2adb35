// Spawned by the store tests (several processes at once): each hammers the same keys through its own connection and
// prints one "EXECUTED <key>" line per operation that really ran, so the test can check every key ran exactly once in total.
// With --effects <file> it also appends those lines to the file as they happen (flushed each time, so they survive a
// kill -9), and one "COMPLETED <key>" line once the key's result is stored. "READY" is printed when the store is open.
// Usage: Idempotency.Hammer --store redis|postgres|sqlite --connection <string> [--keys 200] [--rounds 3] [--service hammer] [--effects <file>]
using Idempotency;

var arguments = Arguments.Parse(args);
await using var store = await HammerStores.CreateAsync(arguments.Store, arguments.Connection);
var options = new IdempotencyOptions { ServiceName = arguments.Service };
options.DefaultPolicy.InProgressWait = TimeSpan.FromSeconds(30);
var executor = IdempotencyExecutor.Create(options, store.Store);
await using var effects = arguments.Effects is { } path ? new StreamWriter(path, append: true) { AutoFlush = true } : null;
Console.Out.WriteLine("READY");

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
                effects?.WriteLine($"EXECUTED {key}");
            }

            await Task.Delay(2, token);
            return key.Length;
        }, ct);
        Interlocked.Increment(ref result.IsReplayed ? ref replayed : ref executed);
        if (!result.IsReplayed && !result.ResultNotStored && !result.LeaseLost)
        {
            lock (output)
            {
                effects?.WriteLine($"COMPLETED {key}");
            }
        }
    });
}

output.WriteLine($"DONE executed={executed} replayed={replayed}");
return 0;

internal sealed record Arguments(string Store, string Connection, int Keys, int Rounds, string Service, string? Effects)
{
    public static Arguments Parse(string[] args)
    {
        string Value(string name, string? fallback = null)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback ?? throw new ArgumentException($"missing {name}");
        }

        var effects = Value("--effects", "");
        return new Arguments(Value("--store"), Value("--connection"), int.Parse(Value("--keys", "200")), int.Parse(Value("--rounds", "3")), Value("--service", "hammer"), effects.Length > 0 ? effects : null);
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
        "sqlite" => CreateSqliteAsync(connection),
        _ => throw new ArgumentException($"unknown store {store}"),
    };
}
