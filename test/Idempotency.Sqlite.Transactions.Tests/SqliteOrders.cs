using System.Globalization;
using Idempotency.Transactions.Tests;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Idempotency.Sqlite.Transactions.Tests;

/// <summary>
/// A database file in a temporary folder of its own, holding the idempotency table and a business table ("orders", with
/// "order_lines" whose deferred foreign key only the commit checks), and a store on it. Deleted at the end.
/// </summary>
internal sealed class SqliteOrders : OrdersFixture<SqliteIdempotencyTransaction, SqliteTransaction>
{
    public const string Table = "idempotency_records";

    private SqliteOrders(Action<SqliteStoreOptions>? configure)
    {
        Folder = Directory.CreateTempSubdirectory("idempotency-sqlite-tx-").FullName;
        ConnectionString = $"Data Source={Path.Combine(Folder, "orders.db")};Foreign Keys=True";
        var options = new SqliteStoreOptions { ConnectionString = ConnectionString, BusyTimeout = TimeSpan.FromSeconds(30) };
        configure?.Invoke(options);
        Store = new SqliteIdempotencyStore(options);
    }

    public string Folder { get; }

    public string ConnectionString { get; }

    public override SqliteIdempotencyStore Store { get; }

    public static async Task<SqliteOrders> CreateAsync(Action<SqliteStoreOptions>? configure = null)
    {
        var database = new SqliteOrders(configure);
        await database.Store.CreateTableAsync(CancellationToken.None);
        database.Execute("""
            CREATE TABLE orders (id INTEGER PRIMARY KEY AUTOINCREMENT, idempotency_key TEXT NOT NULL);
            CREATE TABLE order_lines (order_id INTEGER NOT NULL REFERENCES orders (id) DEFERRABLE INITIALLY DEFERRED);
            """);
        return database;
    }

    /// <summary>Inserts an order in the run's transaction and returns its id.</summary>
    public static long Place(SqliteTransaction transaction, string key)
    {
        using var insert = new SqliteCommand("INSERT INTO orders (idempotency_key) VALUES ($key) RETURNING id", transaction.Connection, transaction);
        insert.Parameters.AddWithValue("$key", key);
        return (long)insert.ExecuteScalar()!;
    }

    /// <summary>Inserts a line of an order that does not exist: the statement passes, the commit fails (deferred foreign key).</summary>
    public static void AddLineOfNoOrder(SqliteTransaction transaction)
    {
        using var insert = new SqliteCommand("INSERT INTO order_lines (order_id) VALUES (-1)", transaction.Connection, transaction);
        insert.ExecuteNonQuery();
    }


    public override TransactionalIdempotencyExecutor<SqliteIdempotencyTransaction, SqliteTransaction> Executor(IServiceProvider services) =>
        services.GetRequiredService<SqliteTransactionalExecutor>();

    public override ValueTask<long> PlaceAsync(SqliteTransaction transaction, string key, CancellationToken cancellationToken) => ValueTask.FromResult(Place(transaction, key));

    public override ValueTask BreakTheCommitAsync(SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        AddLineOfNoOrder(transaction);
        return ValueTask.CompletedTask;
    }

    public override bool IsForeignKeyViolation(Exception? exception) => exception is SqliteException { SqliteExtendedErrorCode: 787 }; // SQLITE_CONSTRAINT_FOREIGNKEY

    public override Task<long> CountOrdersAsync(string? key = null) => Task.FromResult(CountOrders(key));

    public override Task<long> CountRecordsAsync(bool completed = false) => Task.FromResult(CountRecords(completed ? "status = 1" : "1 = 1"));

    public override IIdempotencyBuilder AddStore(IIdempotencyBuilder builder) =>
        builder.AddSqliteStore(o => o.ConnectionString = ConnectionString).AddSqliteTransactions();

    public override ValueTask<SqliteIdempotencyTransaction> BeginAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<SqliteIdempotencyStore>().BeginTransactionAsync(cancellationToken);

    public long CountOrders(string? key = null) =>
        (long)Scalar("SELECT count(*) FROM orders" + (key is null ? string.Empty : $" WHERE idempotency_key = '{key}'"))!;

    public long CountRecords(string where = "1 = 1") => (long)Scalar($"SELECT count(*) FROM {Table} WHERE {where}")!;

    /// <summary>The orders by key: how many, and the smallest id.</summary>
    public Dictionary<string, (long Count, long Id)> OrdersByKey()
    {
        using var connection = Open();
        using var command = new SqliteCommand("SELECT idempotency_key, count(*), min(id) FROM orders GROUP BY idempotency_key", connection);
        using var reader = command.ExecuteReader();
        var result = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        while (reader.Read())
        {
            result[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        }

        return result;
    }

    public object? Scalar(string sql)
    {
        using var connection = Open();
        using var command = new SqliteCommand(sql, connection);
        return command.ExecuteScalar();
    }

    public void Execute(string sql)
    {
        using var connection = Open();
        using var command = new SqliteCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    /// <summary>The arguments of test/Idempotency.Transactions.CrashChild on this file.</summary>
    public string[] ChildArguments(int keys, int workers) =>
        ["sqlite", ConnectionString, Table, "orders", keys.ToString(CultureInfo.InvariantCulture), workers.ToString(CultureInfo.InvariantCulture)];

    public override ValueTask DisposeAsync()
    {
        Store.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A child process killed by a test may still be releasing the file; the temporary folder is left behind.
        }

        return ValueTask.CompletedTask;
    }

    protected override TransactionalIdempotencyExecutor<SqliteIdempotencyTransaction, SqliteTransaction> CreateExecutor(IIdempotencyExecutor engine) =>
        new SqliteTransactionalExecutor(engine, Store);

    // No pooling: disposing the connection closes the file.
    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(ConnectionString + ";Pooling=False");
        connection.Open();
        return connection;
    }
}
