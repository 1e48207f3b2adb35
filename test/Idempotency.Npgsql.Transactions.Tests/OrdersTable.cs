using Idempotency.Npgsql.Tests;
using Idempotency.TestServers;
using Npgsql;

namespace Idempotency.Npgsql.Transactions.Tests;

/// <summary>An idempotency table and a business table ("orders") of their own, and a transactional executor over them.</summary>
internal sealed class OrdersTable : IAsyncDisposable
{
    private OrdersTable(PostgresTable records, string orders)
    {
        Records = records;
        Orders = orders;
    }

    public PostgresTable Records { get; }

    public NpgsqlIdempotencyStore Store => Records.Store;

    /// <summary>The business table: one row per order placed, with the key that placed it.</summary>
    public string Orders { get; }

    public static async Task<OrdersTable> CreateAsync(PostgresServer server, string? connectionExtra = "Maximum Pool Size=64")
    {
        var records = await PostgresTable.CreateAsync(server, connectionExtra);
        var table = new OrdersTable(records, "orders_" + Guid.NewGuid().ToString("N")[..12]);
        await records.ExecuteAsync($"CREATE TABLE {table.Orders} (id bigserial PRIMARY KEY, idempotency_key text NOT NULL)");
        return table;
    }

    public NpgsqlTransactionalExecutor Executor(Action<IdempotencyOptions>? configure = null)
    {
        var options = new IdempotencyOptions();
        configure?.Invoke(options);
        return new NpgsqlTransactionalExecutor(IdempotencyExecutor.Create(options, Store), Store);
    }

    /// <summary>Inserts an order in the run's transaction and returns its id.</summary>
    public async ValueTask<long> PlaceAsync(NpgsqlTransaction transaction, string key, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand($"INSERT INTO {Orders} (idempotency_key) VALUES ($1) RETURNING id", transaction.Connection, transaction);
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        return (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
    }

    public Task<long> CountOrdersAsync(string? key = null) => CountAsync(key);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Records.ExecuteAsync($"DROP TABLE IF EXISTS {Orders}");
        }
        catch (NpgsqlException)
        {
        }

        await Records.DisposeAsync();
    }

    private async Task<long> CountAsync(string? key)
    {
        await using var command = Records.DataSource.CreateCommand($"SELECT count(*) FROM {Orders}" + (key is null ? string.Empty : " WHERE idempotency_key = $1"));
        if (key is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        }

        return (long)(await command.ExecuteScalarAsync())!;
    }
}
