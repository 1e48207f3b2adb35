// Places orders transactionally: each key's order row and idempotency record commit together. Several workers go
// through every key in their own order, so duplicates run concurrently. After a key's ExecuteAsync returns, the order is
// acknowledged on stdout ("ack <key> <order id>"); the parent kills this process at random and checks the database.
// Arguments: postgres|sqlite, connection string, idempotency table, orders table, keys, workers.
using System.Data.Common;
using System.Globalization;
using Idempotency;
using Idempotency.Npgsql;
using Idempotency.Sqlite;
using Npgsql;

var (store, connection, table, orders) = (args[0], args[1], args[2], args[3]);
var keys = int.Parse(args[4], CultureInfo.InvariantCulture);
var workers = int.Parse(args[5], CultureInfo.InvariantCulture);
var options = new IdempotencyOptions();
options.DefaultPolicy.InProgressWait = TimeSpan.FromSeconds(30);

if (store == "sqlite")
{
    using var sqlite = new SqliteIdempotencyStore(new SqliteStoreOptions { ConnectionString = connection, TableName = table, BusyTimeout = TimeSpan.FromSeconds(30) });
    await PlaceAllAsync(new SqliteTransactionalExecutor(IdempotencyExecutor.Create(options, sqlite), sqlite));
}
else
{
    await using var dataSource = NpgsqlDataSource.Create(connection);
    var postgres = new NpgsqlIdempotencyStore(dataSource, new NpgsqlStoreOptions { TableName = table });
    await PlaceAllAsync(new NpgsqlTransactionalExecutor(IdempotencyExecutor.Create(options, postgres), postgres));
}

Task PlaceAllAsync<TTransaction, TDatabase>(TransactionalIdempotencyExecutor<TTransaction, TDatabase> transactional)
    where TTransaction : IIdempotencyTransaction<TDatabase>
    where TDatabase : DbTransaction
{
    var output = Console.Out;
    var gate = new object();
    return Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
    {
        foreach (var i in Enumerable.Range(0, keys).OrderBy(_ => Random.Shared.Next()).ToList())
        {
            var key = "order-" + i.ToString(CultureInfo.InvariantCulture);
            var result = await transactional.ExecuteAsync(new IdempotencyRequest("orders", key) { Fingerprint = key }, async (tx, ct) =>
            {
                await using var insert = tx.Connection!.CreateCommand();
                insert.Transaction = tx;
                insert.CommandText = $"INSERT INTO {orders} (idempotency_key) VALUES (@key) RETURNING id";
                var parameter = insert.CreateParameter();
                parameter.ParameterName = "key";
                parameter.Value = key;
                insert.Parameters.Add(parameter);
                var id = Convert.ToInt64(await insert.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
                await Task.Delay(Random.Shared.Next(0, 3), ct);
                return id;
            }, CancellationToken.None);
            lock (gate)
            {
                output.WriteLine($"ack {key} {result.Value.ToString(CultureInfo.InvariantCulture)}");
                output.Flush();
            }
        }
    })));
}
