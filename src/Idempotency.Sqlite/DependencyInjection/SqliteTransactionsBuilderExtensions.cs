using Idempotency;
using Idempotency.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds transactional idempotency on SQLite (docs/transactional.md).</summary>
public static class SqliteTransactionsBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="SqliteTransactionalExecutor"/> (functions, consumers), <see cref="IIdempotencyTransactionFactory"/>
    /// (what the HTTP middleware uses for endpoints that opt in), and, scoped, the ambient <see cref="SqliteIdempotencyTransaction"/>
    /// and its <see cref="SqliteTransaction"/>, so a handler run inside one can take it as a parameter. Needs <c>AddSqliteStore(...)</c>.
    /// </summary>
    /// <param name="builder">The idempotency builder.</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder AddSqliteTransactions(this IIdempotencyBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton<IIdempotencyTransactionFactory>(static sp => Store(sp));
        services.TryAddSingleton(static sp => new SqliteTransactionalExecutor(sp.GetRequiredService<IIdempotencyExecutor>(), Store(sp), sp.GetService<ILoggerFactory>()));
        services.TryAddScoped(static _ => SqliteIdempotencyTransaction.Current ?? throw NoAmbientTransaction());
        services.TryAddScoped(static sp => sp.GetRequiredService<SqliteIdempotencyTransaction>().Transaction);
        return builder;
    }

    private static SqliteIdempotencyStore Store(IServiceProvider services) =>
        services.GetRequiredService<IIdempotencyStore>() as SqliteIdempotencyStore
        ?? throw new InvalidOperationException("AddSqliteTransactions() needs the SQLite store as the idempotency store: call AddSqliteStore(...) on the same builder.");

    private static InvalidOperationException NoAmbientTransaction() => new(
        "No idempotency transaction is running here. A SqliteTransaction is given to handlers of endpoints marked " +
        "RequireTransactionalIdempotency() (behind app.UseIdempotency()), and inside SqliteTransactionalExecutor.ExecuteAsync or " +
        "SqliteIdempotencyStore.BeginTransactionAsync.");
}
