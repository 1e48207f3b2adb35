using Idempotency.Sqlite;

// The SQLite store on this process's own connections to the shared file. The busy timeout is long because the
// multi-process test holds the write lock until every hammer is waiting on it (its start gate).
internal static partial class HammerStores
{
    private static async Task<HammerStore> CreateSqliteAsync(string connection)
    {
        var store = new SqliteIdempotencyStore(new SqliteStoreOptions { ConnectionString = connection, BusyTimeout = TimeSpan.FromSeconds(60) });
        await store.CreateTableAsync(CancellationToken.None);
        return new HammerStore(store, new DisposeOnly(store));
    }

    private sealed class DisposeOnly(IDisposable owned) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            owned.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
