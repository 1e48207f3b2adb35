using Idempotency;
using Idempotency.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds transactional idempotency for Entity Framework Core contexts (docs/transactional.md).</summary>
public static class DbContextIdempotencyBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="DbContextIdempotencyExecutor"/>. Needs a store with transactions on the same builder:
    /// <c>AddNpgsqlStore().AddNpgsqlTransactions()</c> or <c>AddSqliteStore(...).AddSqliteTransactions()</c>.
    /// </summary>
    /// <param name="builder">The idempotency builder.</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder AddDbContextExecutor(this IIdempotencyBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton(static sp => new DbContextIdempotencyExecutor(
            sp.GetRequiredService<IIdempotencyExecutor>(),
            sp.GetService<IIdempotencyTransactionFactory>() ?? throw new InvalidOperationException(
                "AddDbContextExecutor() needs a store with transactions: call AddNpgsqlStore().AddNpgsqlTransactions() or AddSqliteStore(...).AddSqliteTransactions() on the same builder."),
            sp.GetService<ILoggerFactory>()));
        return builder;
    }
}
