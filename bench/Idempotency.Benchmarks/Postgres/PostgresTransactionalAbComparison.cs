using Idempotency.Npgsql;
using Npgsql;

namespace Idempotency.Benchmarks.Postgres;

/// <summary>
/// Transactional against non-transactional execution on PostgreSQL, interleaved like <see cref="PostgresAbComparison"/>.
/// Both place the same order row: the plain executor in the work's own autocommit statement (claim, insert, complete:
/// three statements, three transactions), the transactional executor in the record's transaction (claim, insert,
/// complete, commit on one connection). "floor" in the printed row is the non-transactional side.
/// </summary>
/// <remarks>Run with <c>postgres-ab tx</c>; <c>postgres-ab tx smoke</c> runs one short round only, to check it works.</remarks>
public static class PostgresTransactionalAbComparison
{
    private const int Batch = 1024;
    private const string Orders = "bench_orders";

    /// <summary>Prints one markdown row each for first executions and replays.</summary>
    /// <param name="callers">Concurrent callers.</param>
    /// <param name="rounds">Alternating rounds of <see cref="Batch"/> operations per contender.</param>
    /// <param name="output">Where the markdown rows go.</param>
    /// <returns>The rows.</returns>
    public static async Task<IReadOnlyList<string>> RunAsync(int callers, int rounds, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        await using var postgres = await PostgresBenchmarkServer.StartAsync();
        await postgres.ExecuteAsync($"CREATE TABLE IF NOT EXISTS {Orders} (id bigserial PRIMARY KEY, idempotency_key text NOT NULL)");
        var plain = postgres.Executor;
        var transactional = new NpgsqlTransactionalExecutor(plain, postgres.Store);
        var dataSource = postgres.DataSource;

        async Task PlainAsync(string key) => await plain.ExecuteAsync(PostgresBenchmarkServer.Request(key), async ct =>
        {
            await using var insert = dataSource.CreateCommand($"INSERT INTO {Orders} (idempotency_key) VALUES ($1) RETURNING id");
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
            return (long)(await insert.ExecuteScalarAsync(ct))!;
        }, CancellationToken.None);

        async Task TransactionalAsync(string key) => await transactional.ExecuteAsync(PostgresBenchmarkServer.Request(key), async (tx, ct) =>
        {
            await using var insert = new NpgsqlCommand($"INSERT INTO {Orders} (idempotency_key) VALUES ($1) RETURNING id", tx.Connection, tx);
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
            return (long)(await insert.ExecuteScalarAsync(ct))!;
        }, CancellationToken.None);

        // Both sides must work before anything is measured: a first run stores, a second replays.
        await TransactionalAsync("tx-check");
        var check = await transactional.ExecuteAsync<long>(PostgresBenchmarkServer.Request("tx-check"), (_, _) => throw new InvalidOperationException("not a replay"), CancellationToken.None);
        if (!check.IsReplayed)
        {
            throw new InvalidOperationException("The transactional executor did not replay.");
        }

        var replayKeys = Enumerable.Range(0, Batch).Select(i => $"tx-replay-{i}").ToArray();
        foreach (var key in replayKeys)
        {
            await PlainAsync("plain:" + key);
            await TransactionalAsync("tx:" + key);
        }

        var next = 0L;
        var lines = new List<string>
        {
            await Interleaved.CompareAsync("first execution: plain vs transactional", callers, rounds, Batch, _ => PlainAsync("p" + Interlocked.Increment(ref next)), _ => TransactionalAsync("t" + Interlocked.Increment(ref next))),
            await Interleaved.CompareAsync("replay: plain vs transactional", callers, rounds, Batch, i => PlainAsync("plain:" + replayKeys[i % Batch]), i => TransactionalAsync("tx:" + replayKeys[i % Batch])),
        };
        foreach (var line in lines)
        {
            output.WriteLine(line);
        }

        return lines;
    }
}
