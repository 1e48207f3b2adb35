using Idempotency.Sqlite;

namespace Idempotency.Benchmarks.Sqlite;

/// <summary>A temporary database file with the library (engine + store) and the raw floor on it, deleted at the end.</summary>
internal sealed class SqliteBenchmark : IDisposable
{
    public const string Owner = "0123456789abcdef0123456789abcdef";
    public static readonly Order Result = new("order-1", "book", 2);
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("idempotency-bench-sqlite-");

    public SqliteBenchmark()
    {
        var path = Path.Combine(_folder.FullName, "bench.db");
        Store = new SqliteIdempotencyStore(new SqliteStoreOptions { ConnectionString = $"Data Source={path}", PurgeEnabled = false });
        Executor = IdempotencyExecutor.Create(new IdempotencyOptions { ServiceName = "bench" }, Store);
        Floor = new SqliteFloor(path);
    }

    public SqliteIdempotencyStore Store { get; }

    public IIdempotencyExecutor Executor { get; }

    public SqliteFloor Floor { get; }

    /// <summary>A floor key as long as a store key, so both index the same sizes.</summary>
    public static string FloorKey(string key) => "idem:bench:floor::" + key.PadLeft(43, '0');

    public ValueTask<IdempotencyResult<Order>> LibraryAsync(string key) =>
        Executor.ExecuteAsync(new IdempotencyRequest("orders", key) { Fingerprint = "f" }, static _ => ValueTask.FromResult(Result), CancellationToken.None);

    /// <summary>Checks both contenders work before anything is measured: a first execution, then its replay.</summary>
    public async Task CheckAsync()
    {
        var first = await LibraryAsync("check");
        var replay = await LibraryAsync("check");
        await Floor.FirstExecutionAsync(FloorKey("check"), Result);
        if (first.IsReplayed || !replay.IsReplayed || replay.Value != Result || await Floor.ReplayAsync(FloorKey("check")) != Result)
        {
            throw new InvalidOperationException("The SQLite benchmark's set-up check failed.");
        }
    }

    public void Dispose()
    {
        Floor.Dispose();
        Store.Dispose();
        _folder.Delete(recursive: true);
    }

    public sealed record Order(string Id, string Item, int Quantity);
}
