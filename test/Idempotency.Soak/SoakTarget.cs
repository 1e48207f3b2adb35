using System.Data.Common;
using Idempotency.Npgsql;
using Idempotency.Sqlite;
using Idempotency.StackExchangeRedis;
using Npgsql;
using StackExchange.Redis;

namespace Idempotency.Soak;

/// <summary>The work a soak call runs: given the claim's transaction (transactional mode) or null, it returns its result.</summary>
public delegate ValueTask<string> SoakWork(DbTransaction? transaction, CancellationToken cancellationToken);

/// <summary>
/// A worker's way into the library: the engine over the store, plain (<see cref="IIdempotencyExecutor"/>) or
/// transactional (the store's transactional executor, so the work's row commits with the record).
/// </summary>
public sealed class SoakTarget : IAsyncDisposable
{
    private readonly Func<IdempotencyRequest, SoakWork, ValueTask<IdempotencyResult<string>>> _execute;
    private readonly IAsyncDisposable _owner;

    private SoakTarget(Func<IdempotencyRequest, SoakWork, ValueTask<IdempotencyResult<string>>> execute, IAsyncDisposable owner)
    {
        _execute = execute;
        _owner = owner;
    }

    /// <summary>Runs the work through the library. Never cancelled: a worker stops between calls, not inside one.</summary>
    public ValueTask<IdempotencyResult<string>> ExecuteAsync(IdempotencyRequest request, SoakWork work) => _execute(request, work);

    public ValueTask DisposeAsync() => _owner.DisposeAsync();

    /// <summary>Opens the store (creating its table when missing) and the executor, whose engine sees the store through <paramref name="watch"/>.</summary>
    public static async Task<SoakTarget> OpenAsync(SoakStore store, string connection, bool transactional, IdempotencyOptions options, Func<IIdempotencyStore, IIdempotencyStore> watch)
    {
        switch (store)
        {
            case SoakStore.Redis:
                {
                    // abortConnect=false: the multiplexer reconnects by itself after the driver restarts the server.
                    var multiplexer = await ConnectionMultiplexer.ConnectAsync(connection + ",abortConnect=false,connectTimeout=2000,syncTimeout=2000,asyncTimeout=2000");
                    var executor = IdempotencyExecutor.Create(options, watch(new RedisIdempotencyStore(multiplexer)));
                    return new SoakTarget((request, work) => executor.ExecuteAsync(request, ct => work(null, ct), CancellationToken.None), multiplexer);
                }

            case SoakStore.Postgres:
                {
                    // Short timeouts: while the server restarts, calls fail (closed) fast instead of hanging.
                    var dataSource = NpgsqlDataSource.Create(connection + ";Timeout=3;Command Timeout=5");
                    var postgres = new NpgsqlIdempotencyStore(dataSource);
                    await postgres.CreateTableAsync(CancellationToken.None);
                    var executor = IdempotencyExecutor.Create(options, watch(postgres));
                    return transactional
                        ? Transactional(new NpgsqlTransactionalExecutor(executor, postgres), dataSource)
                        : new SoakTarget((request, work) => executor.ExecuteAsync(request, ct => work(null, ct), CancellationToken.None), dataSource);
                }

            default:
                {
                    var sqlite = new SqliteIdempotencyStore(new SqliteStoreOptions { ConnectionString = connection, BusyTimeout = TimeSpan.FromSeconds(10) });
                    await sqlite.CreateTableAsync(CancellationToken.None);
                    var executor = IdempotencyExecutor.Create(options, watch(sqlite));
                    var owner = new Disposing(sqlite);
                    return transactional
                        ? Transactional(new SqliteTransactionalExecutor(executor, sqlite), owner)
                        : new SoakTarget((request, work) => executor.ExecuteAsync(request, ct => work(null, ct), CancellationToken.None), owner);
                }
        }
    }

    private static SoakTarget Transactional<TTransaction, TDatabase>(TransactionalIdempotencyExecutor<TTransaction, TDatabase> transactional, IAsyncDisposable owner)
        where TTransaction : IIdempotencyTransaction<TDatabase>
        where TDatabase : DbTransaction =>
        new((request, work) => transactional.ExecuteAsync(request, (tx, ct) => work(tx, ct), CancellationToken.None), owner);

    private sealed class Disposing(IDisposable owned) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            owned.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
