using Idempotency.EntityFrameworkCore.Shop;
using Idempotency.Npgsql.Tests;
using Idempotency.TestServers;
using Npgsql;

namespace Idempotency.EntityFrameworkCore.Tests;

/// <summary>An idempotency table and an orders table of their own in the test server's database.</summary>
public sealed class PostgresShop : ShopFixture
{
    private readonly PostgresTable _records;

    private PostgresShop(PostgresTable records, ShopDatabase shop)
    {
        _records = records;
        Shop = shop;
    }

    public override ShopDatabase Shop { get; }

    public override IIdempotencyStore Store => _records.Store;

    public override string RecordsTable => _records.Options.TableName;

    public static async Task<PostgresShop> CreateAsync(PostgresServer server)
    {
        var records = await PostgresTable.CreateAsync(server, "Maximum Pool Size=64");
        var shop = new PostgresShop(records, new ShopDatabase(ShopDatabase.Postgres, server.ConnectionStringWith("Maximum Pool Size=64"), "orders_" + Guid.NewGuid().ToString("N")[..12]));
        await shop.CreateOrdersTableAsync();
        return shop;
    }

    public override Task<long> CountRecordsAsync(bool completed = false) => _records.CountAsync(completed ? "status = 1" : "true");

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await _records.ExecuteAsync($"DROP TABLE IF EXISTS {Shop.OrdersTable}");
        }
        catch (NpgsqlException)
        {
        }

        await _records.DisposeAsync();
    }
}
