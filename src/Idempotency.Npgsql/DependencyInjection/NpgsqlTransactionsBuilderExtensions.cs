using Idempotency;
using Idempotency.Npgsql;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds transactional idempotency on PostgreSQL (docs/transactional.md).</summary>
public static class NpgsqlTransactionsBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="NpgsqlTransactionalExecutor"/> (functions, consumers), <see cref="IIdempotencyTransactionFactory"/>
    /// (what the HTTP middleware uses for endpoints that opt in), and, scoped, the ambient <see cref="NpgsqlIdempotencyTransaction"/>
    /// and its <see cref="NpgsqlTransaction"/>, so a handler run inside one can take it as a parameter. Needs <c>AddNpgsqlStore()</c>.
    /// </summary>
    /// <param name="builder">The idempotency builder.</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder AddNpgsqlTransactions(this IIdempotencyBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton<IIdempotencyTransactionFactory>(static sp => Store(sp));
        services.TryAddSingleton(static sp => new NpgsqlTransactionalExecutor(sp.GetRequiredService<IIdempotencyExecutor>(), Store(sp), sp.GetService<ILoggerFactory>()));
        services.TryAddScoped(static _ => NpgsqlIdempotencyTransaction.Current ?? throw NoAmbientTransaction());
        services.TryAddScoped(static sp => sp.GetRequiredService<NpgsqlIdempotencyTransaction>().Transaction);
        return builder;
    }

    private static NpgsqlIdempotencyStore Store(IServiceProvider services) =>
        services.GetRequiredService<IIdempotencyStore>() as NpgsqlIdempotencyStore
        ?? throw new InvalidOperationException("AddNpgsqlTransactions() needs the PostgreSQL store as the idempotency store: call AddNpgsqlStore() on the same builder.");

    private static InvalidOperationException NoAmbientTransaction() => new(
        "No idempotency transaction is running here. An NpgsqlTransaction is given to handlers of endpoints marked " +
        "RequireTransactionalIdempotency() (behind app.UseIdempotency()), and inside NpgsqlTransactionalExecutor.ExecuteAsync or " +
        "NpgsqlIdempotencyStore.BeginTransactionAsync.");
}
