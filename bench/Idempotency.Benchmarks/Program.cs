using BenchmarkDotNet.Running;
using Idempotency.Benchmarks.DynamoDb;
using Idempotency.Benchmarks.Messaging;
using Idempotency.Benchmarks.Postgres;
using Idempotency.Benchmarks.Redis;
using Idempotency.Benchmarks.Sqlite;

// `redis-ab` / `postgres-ab` / `sqlite-ab` / `dynamodb-ab`: the interleaved comparisons (floor and library in alternating batches), which a busy machine
// cannot skew the way it skews two separate BenchmarkDotNet runs. Everything else goes to BenchmarkDotNet.
// Add `scale` to compare 1 k with 1 M live records instead (it preloads a million records first); `redis-ab cluster-wait`
// measures what WaitForReplicas = 1 costs on a loopback Redis Cluster.
if (args is ["redis-ab", ..])
{
    Console.WriteLine(Idempotency.Benchmarks.Interleaved.Header);
    if (args.Contains("cluster-wait"))
    {
        // `smoke` checks it works in a few seconds (the numbers mean nothing).
        var smoke = args.Contains("smoke");
        await RedisClusterWaitComparison.RunAsync(smoke ? [4] : [1, 16, 64], rounds: smoke ? 1 : 20, batch: smoke ? 64 : 1024, Console.Out);
        return;
    }

    if (args.Contains("scale"))
    {
        await RedisAbComparison.RunScaleAsync(callers: 64, rounds: 30, liveRecords: 1_000_000, Console.Out);
        return;
    }

    foreach (var callers in new[] { 1, 16, 64 })
    {
        await RedisAbComparison.RunAsync(callers, rounds: 20, Console.Out);
    }

    return;
}

if (args is ["postgres-ab", ..])
{
    Console.WriteLine(Idempotency.Benchmarks.Interleaved.Header);
    if (args.Contains("tx"))
    {
        // Transactional against plain execution; "smoke" checks it works in a few seconds, without measuring anything.
        var smoke = args.Contains("smoke");
        foreach (var callers in smoke ? new[] { 4 } : [1, 16, 64])
        {
            await PostgresTransactionalAbComparison.RunAsync(callers, rounds: smoke ? 1 : 30, Console.Out);
        }

        return;
    }

    if (args.Contains("scale"))
    {
        await PostgresAbComparison.RunScaleAsync(callers: 16, rounds: 30, liveRecords: 1_000_000, Console.Out);
        return;
    }

    // "smoke" checks the comparisons run (one round at 4 callers); the numbers mean nothing.
    if (args.Contains("smoke"))
    {
        await PostgresAbComparison.RunAsync(callers: 4, rounds: 1, Console.Out);
        return;
    }

    foreach (var callers in new[] { 1, 16, 64 })
    {
        await PostgresAbComparison.RunAsync(callers, rounds: 30, Console.Out);
    }

    return;
}

// `sqlite-ab smoke`: one short round per comparison, to check it runs (the numbers mean nothing).
if (args is ["sqlite-ab", ..])
{
    Console.WriteLine(Idempotency.Benchmarks.Interleaved.Header);
    if (args.Contains("smoke"))
    {
        await SqliteAbComparison.RunAsync(callers: 4, rounds: 1, batch: 64, Console.Out);
        return;
    }

    foreach (var callers in new[] { 1, 16, 64 })
    {
        await SqliteAbComparison.RunAsync(callers, rounds: 20, batch: 1024, Console.Out);
    }

    return;
}

// `dynamodb-ab`: the DynamoDB store on dynalite against the same requests sent raw. `smoke` runs one tiny round only.
if (args is ["dynamodb-ab", ..])
{
    Console.WriteLine(Idempotency.Benchmarks.Interleaved.Header);
    var smoke = args.Contains("smoke");
    foreach (var callers in smoke ? new[] { 4 } : [1, 16, 64])
    {
        await DynamoDbAbComparison.RunAsync(callers, rounds: smoke ? 2 : 20, batch: smoke ? 64 : 512, Console.Out);
    }

    return;
}

// `messaging-ab [nats|rabbitmq|kafka|all]`: each message consumer with the library (in-memory and Redis stores) against
// the same broker consumer without it. `smoke` runs one short round per adapter, to check it works (numbers mean nothing);
// `batch=N` sets the messages per batch.
if (args is ["messaging-ab", ..])
{
    string[] all = ["nats", "rabbitmq", "kafka"];
    var chosen = args.Skip(1).Where(all.Contains).ToArray();
    var batch = args.FirstOrDefault(a => a.StartsWith("batch=", StringComparison.Ordinal)) is { } size ? int.Parse(size["batch=".Length..], System.Globalization.CultureInfo.InvariantCulture) : (int?)null;
    await MessagingBench.RunAsync(chosen.Length > 0 ? chosen : all, smoke: args.Contains("smoke"), Console.Out, batch);
    return;
}

// `messaging-alloc`: bytes per message of the shared consumer path on the in-memory store (no broker, no timing).
if (args is ["messaging-alloc", ..])
{
    await ConsumerAllocations.RunAsync(Console.Out);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
