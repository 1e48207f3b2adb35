using Idempotency.Npgsql;
using Npgsql;

// Each hammer process has its own data source (its own connection pool) on the shared table: the default one, created
// here if missing (safe when several processes start at once). Tests point the processes at a database of their own.
internal static partial class HammerStores
{
    private static async Task<HammerStore> CreatePostgresAsync(string connection)
    {
        var dataSource = NpgsqlDataSource.Create(connection);
        var store = new NpgsqlIdempotencyStore(dataSource);
        await store.CreateTableAsync(CancellationToken.None);
        return new HammerStore(store, dataSource);
    }
}
