// Places orders through DbContextIdempotencyExecutor: each key's order row (SaveChangesAsync) and idempotency record
// commit together. Several workers go through every key in their own order, so duplicates run concurrently. After a key's
// ExecuteAsync returns, the order is acknowledged on stdout ("ack <key> <order id>"); the parent kills this process at
// random and checks the database. In "hang" mode it places one order, says "ack saved <id>" once SaveChangesAsync
// returned, and waits inside the transaction to be killed.
// Arguments: all|hang, postgres|sqlite, connection string, idempotency table, orders table, keys, workers.
using System.Globalization;
using Idempotency;
using Idempotency.EntityFrameworkCore;
using Idempotency.EntityFrameworkCore.Shop;
using Idempotency.Npgsql;
using Idempotency.Sqlite;
using Npgsql;

var (mode, provider, connection, table, orders) = (args[0], args[1], args[2], args[3], args[4]);
var keys = int.Parse(args[5], CultureInfo.InvariantCulture);
var workers = int.Parse(args[6], CultureInfo.InvariantCulture);
var shop = new ShopDatabase(provider, connection, orders);
var options = new IdempotencyOptions();
options.DefaultPolicy.InProgressWait = TimeSpan.FromSeconds(30);

if (provider == ShopDatabase.Sqlite)
{
    using var sqlite = new SqliteIdempotencyStore(new SqliteStoreOptions { ConnectionString = connection, TableName = table, BusyTimeout = TimeSpan.FromSeconds(30) });
    await RunAsync(new DbContextIdempotencyExecutor(IdempotencyExecutor.Create(options, sqlite), sqlite));
}
else
{
    await using var dataSource = NpgsqlDataSource.Create(connection);
    var postgres = new NpgsqlIdempotencyStore(dataSource, new NpgsqlStoreOptions { TableName = table });
    await RunAsync(new DbContextIdempotencyExecutor(IdempotencyExecutor.Create(options, postgres), postgres));
}

Task RunAsync(DbContextIdempotencyExecutor executor) => mode == "hang" ? HangAsync(executor) : PlaceAllAsync(executor);

async Task HangAsync(DbContextIdempotencyExecutor executor)
{
    await using var context = shop.NewContext();
    await executor.ExecuteAsync(context, new IdempotencyRequest("orders", "order-0") { Fingerprint = "order-0" }, async (ctx, ct) =>
    {
        var order = new Order { IdempotencyKey = "order-0" };
        ctx.Orders.Add(order);
        await ctx.SaveChangesAsync(ct);
        Console.Out.WriteLine($"ack saved {order.Id.ToString(CultureInfo.InvariantCulture)}");
        Console.Out.Flush();
        await Task.Delay(Timeout.Infinite, ct);
        return order.Id;
    }, CancellationToken.None);
}

Task PlaceAllAsync(DbContextIdempotencyExecutor executor)
{
    var output = Console.Out;
    var gate = new object();
    return Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
    {
        foreach (var i in Enumerable.Range(0, keys).OrderBy(_ => Random.Shared.Next()).ToList())
        {
            var key = "order-" + i.ToString(CultureInfo.InvariantCulture);
            await using var context = shop.NewContext();
            var result = await executor.ExecuteAsync(context, new IdempotencyRequest("orders", key) { Fingerprint = key }, async (ctx, ct) =>
            {
                var order = new Order { IdempotencyKey = key };
                ctx.Orders.Add(order);
                await ctx.SaveChangesAsync(ct);
                await Task.Delay(Random.Shared.Next(0, 3), ct);
                return order.Id;
            }, CancellationToken.None);
            lock (gate)
            {
                output.WriteLine($"ack {key} {result.Value.ToString(CultureInfo.InvariantCulture)}");
                output.Flush();
            }
        }
    })));
}
