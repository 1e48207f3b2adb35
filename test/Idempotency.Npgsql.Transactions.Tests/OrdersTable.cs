using Idempotency.Npgsql.Tests;
using Idempotency.TestServers;
using Idempotency.Transactions.Tests;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Idempotency.Npgsql.Transactions.Tests;

/// <summary>
/// An idempotency table and a business table ("orders", with order lines whose deferred foreign key only the commit
/// checks) of their own, and a transactional executor over them. Dropped at the end.
/// </summary>
internal sealed class OrdersTable : OrdersFixture<NpgsqlIdempotencyTransaction, NpgsqlTransaction>
{
    private OrdersTable(PostgresTable records, string orders)
    {
        Records = records;
        Orders = orders;
    }

    public PostgresTable Records { get; }

    public override NpgsqlIdempotencyStore Store => Records.Store;

    /// <summary>The business table: one row per order placed, with the key that placed it.</summary>
    public string Orders { get; }

    private string Lines => Orders + "_lines";

    public static async Task<OrdersTable> CreateAsync(PostgresServer server, string? connectionExtra = "Maximum Pool Size=64")
    {
        var records = await PostgresTable.CreateAsync(server, connectionExtra);
        var table = new OrdersTable(records, "orders_" + Guid.NewGuid().ToString("N")[..12]);
        await records.ExecuteAsync($"CREATE TABLE {table.Orders} (id bigserial PRIMARY KEY, idempotency_key text NOT NULL)");
        await records.ExecuteAsync($"CREATE TABLE {table.Lines} (order_id bigint NOT NULL REFERENCES {table.Orders} (id) DEFERRABLE INITIALLY DEFERRED)");
        return table;
    }


    public override TransactionalIdempotencyExecutor<NpgsqlIdempotencyTransaction, NpgsqlTransaction> Executor(IServiceProvider services) =>
        services.GetRequiredService<NpgsqlTransactionalExecutor>();

    public override async ValueTask<long> PlaceAsync(NpgsqlTransaction transaction, string key, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand($"INSERT INTO {Orders} (idempotency_key) VALUES ($1) RETURNING id", transaction.Connection, transaction);
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        return (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
    }

    public override async ValueTask BreakTheCommitAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var line = new NpgsqlCommand($"INSERT INTO {Lines} (order_id) VALUES (-1)", transaction.Connection, transaction);
        await line.ExecuteNonQueryAsync(cancellationToken);
    }

    public override bool IsForeignKeyViolation(Exception? exception) => exception is PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation };

    public override async Task<long> CountOrdersAsync(string? key = null)
    {
        await using var command = Records.DataSource.CreateCommand($"SELECT count(*) FROM {Orders}" + (key is null ? string.Empty : " WHERE idempotency_key = $1"));
        if (key is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        }

        return (long)(await command.ExecuteScalarAsync())!;
    }

    public override Task<long> CountRecordsAsync(bool completed = false) => Records.CountAsync(completed ? "status = 1" : "true");

    public override IIdempotencyBuilder AddStore(IIdempotencyBuilder builder)
    {
        builder.Services.AddSingleton(Records.DataSource);
        return builder.AddNpgsqlStore(o => o.TableName = Records.Options.TableName).AddNpgsqlTransactions();
    }

    public override ValueTask<NpgsqlIdempotencyTransaction> BeginAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<NpgsqlIdempotencyStore>().BeginTransactionAsync(cancellationToken);

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await Records.ExecuteAsync($"DROP TABLE IF EXISTS {Lines}, {Orders}");
        }
        catch (NpgsqlException)
        {
        }

        await Records.DisposeAsync();
    }

    protected override TransactionalIdempotencyExecutor<NpgsqlIdempotencyTransaction, NpgsqlTransaction> CreateExecutor(IIdempotencyExecutor engine) =>
        new NpgsqlTransactionalExecutor(engine, Store);
}
