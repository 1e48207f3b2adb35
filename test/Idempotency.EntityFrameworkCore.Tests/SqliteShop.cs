using Idempotency.EntityFrameworkCore.Shop;
using Idempotency.Sqlite;
using Microsoft.Data.Sqlite;

namespace Idempotency.EntityFrameworkCore.Tests;

/// <summary>A database file in a temporary folder of its own, holding the idempotency table and the orders table.</summary>
public sealed class SqliteShop : ShopFixture
{
    private const string Table = "idempotency_records";

    private readonly string _folder;
    private readonly SqliteIdempotencyStore _store;

    private SqliteShop()
    {
        _folder = Directory.CreateTempSubdirectory("idempotency-ef-").FullName;
        var connectionString = $"Data Source={Path.Combine(_folder, "shop.db")}";
        _store = new SqliteIdempotencyStore(new SqliteStoreOptions { ConnectionString = connectionString, TableName = Table, BusyTimeout = TimeSpan.FromSeconds(30) });
        Shop = new ShopDatabase(ShopDatabase.Sqlite, connectionString, "orders");
    }

    public override ShopDatabase Shop { get; }

    public override IIdempotencyStore Store => _store;

    public override string RecordsTable => Table;

    public static async Task<SqliteShop> CreateAsync()
    {
        var shop = new SqliteShop();
        await shop._store.CreateTableAsync(CancellationToken.None);
        await shop.CreateOrdersTableAsync();
        return shop;
    }

    public override async Task<long> CountRecordsAsync(bool completed = false)
    {
        await using var connection = new SqliteConnection(Shop.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {Table}" + (completed ? " WHERE status = 1" : string.Empty);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public override ValueTask DisposeAsync()
    {
        _store.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return ValueTask.CompletedTask;
    }
}
