// Places orders transactionally: each key's order row and idempotency record commit together. Several workers go
// through every key in their own order, so duplicates run concurrently. After a key's ExecuteAsync returns, the order is
// acknowledged on stdout ("ack <key> <order id>"); the parent kills this process at random and checks the database.
using System.Globalization;
using Idempotency;
using Idempotency.Npgsql;
using Npgsql;

var connection = args[0];
var table = args[1];
var orders = args[2];
var keys = int.Parse(args[3], CultureInfo.InvariantCulture);
var workers = int.Parse(args[4], CultureInfo.InvariantCulture);

await using var dataSource = NpgsqlDataSource.Create(connection);
var store = new NpgsqlIdempotencyStore(dataSource, new NpgsqlStoreOptions { TableName = table });
var options = new IdempotencyOptions();
options.DefaultPolicy.InProgressWait = TimeSpan.FromSeconds(30);
var transactional = new NpgsqlTransactionalExecutor(IdempotencyExecutor.Create(options, store), store);
var output = Console.Out;
var gate = new object();

await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
{
    var order = Enumerable.Range(0, keys).OrderBy(_ => Random.Shared.Next()).ToList();
    foreach (var i in order)
    {
        var key = "order-" + i.ToString(CultureInfo.InvariantCulture);
        var result = await transactional.ExecuteAsync(new IdempotencyRequest("orders", key) { Fingerprint = key }, async (tx, ct) =>
        {
            await using var insert = new NpgsqlCommand($"INSERT INTO {orders} (idempotency_key) VALUES ($1) RETURNING id", tx.Connection, tx);
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
            var id = (long)(await insert.ExecuteScalarAsync(ct))!;
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
