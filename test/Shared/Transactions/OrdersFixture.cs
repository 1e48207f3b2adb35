using Microsoft.Extensions.DependencyInjection;

namespace Idempotency.Transactions.Tests;

/// <summary>
/// What the transactional suites need of a store: its idempotency table with an "orders" business table in the same
/// database (and order lines whose foreign key only the commit checks), a transactional executor over it, and the same
/// store for dependency injection. Each store's test project derives one (test/Shared is compiled into each).
/// </summary>
/// <typeparam name="TTransaction">The store's transaction.</typeparam>
/// <typeparam name="TDatabase">The driver's transaction.</typeparam>
public abstract class OrdersFixture<TTransaction, TDatabase> : IAsyncDisposable
    where TTransaction : IIdempotencyTransaction<TDatabase>
{
    /// <summary>Gets the store, whose transactions the executors run in.</summary>
    public abstract IIdempotencyStore Store { get; }

    /// <summary>A transactional executor over <see cref="Store"/>, with the engine's options as <paramref name="configure"/> sets them.</summary>
    public TransactionalIdempotencyExecutor<TTransaction, TDatabase> Executor(Action<IdempotencyOptions>? configure = null)
    {
        var options = new IdempotencyOptions();
        configure?.Invoke(options);
        return CreateExecutor(IdempotencyExecutor.Create(options, Store));
    }

    /// <summary>The store's transactional executor as <paramref name="services"/> registered it.</summary>
    public abstract TransactionalIdempotencyExecutor<TTransaction, TDatabase> Executor(IServiceProvider services);

    /// <summary>Inserts an order in the run's transaction and returns its id.</summary>
    public abstract ValueTask<long> PlaceAsync(TDatabase transaction, string key, CancellationToken cancellationToken);

    /// <summary>Inserts a line of an order that does not exist: the statement passes, the commit fails (deferred foreign key).</summary>
    public abstract ValueTask BreakTheCommitAsync(TDatabase transaction, CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="exception"/> is the driver's error for the broken commit.</summary>
    public abstract bool IsForeignKeyViolation(Exception? exception);

    public abstract Task<long> CountOrdersAsync(string? key = null);

    /// <summary>Counts idempotency records (completed ones only, when asked).</summary>
    public abstract Task<long> CountRecordsAsync(bool completed = false);

    /// <summary>Adds the store (on this database) and its transactions to <paramref name="builder"/>.</summary>
    public abstract IIdempotencyBuilder AddStore(IIdempotencyBuilder builder);

    /// <summary>Begins a transaction on the store of <paramref name="services"/> (the one its consumers and executors use).</summary>
    public abstract ValueTask<TTransaction> BeginAsync(IServiceProvider services, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    /// <summary>The store's transactional executor over <paramref name="engine"/>.</summary>
    protected abstract TransactionalIdempotencyExecutor<TTransaction, TDatabase> CreateExecutor(IIdempotencyExecutor engine);

    /// <summary>A service collection with this store (and its transactions), logging and metrics.</summary>
    public IServiceCollection Services(Action<IIdempotencyBuilder>? more = null)
    {
        var services = new ServiceCollection().AddLogging().AddMetrics();
        var builder = AddStore(services.AddIdempotency());
        more?.Invoke(builder);
        return services;
    }
}
