using Microsoft.EntityFrameworkCore;

namespace Idempotency.EntityFrameworkCore.Shop;

/// <summary>How the tests and the crash child reach the orders table: a provider, a connection string and a table name.</summary>
public sealed record ShopDatabase(string Provider, string ConnectionString, string OrdersTable)
{
    public const string Postgres = "postgres";
    public const string Sqlite = "sqlite";

    public string CreateTableSql => Provider == Postgres
        ? $"CREATE TABLE {OrdersTable} (id bigserial PRIMARY KEY, idempotency_key text NOT NULL)"
        : $"CREATE TABLE {OrdersTable} (id INTEGER PRIMARY KEY AUTOINCREMENT, idempotency_key TEXT NOT NULL)";

    public ShopContext NewContext(Action<DbContextOptionsBuilder>? configure = null)
    {
        var options = new DbContextOptionsBuilder<ShopContext>();
        if (Provider == Postgres)
        {
            options.UseNpgsql(ConnectionString);
        }
        else
        {
            options.UseSqlite(ConnectionString);
        }

        configure?.Invoke(options);
        return new ShopContext(options.Options, OrdersTable);
    }
}
