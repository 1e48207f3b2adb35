using Idempotency.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Makes endpoints idempotent with their database writes in the idempotency record's transaction (docs/transactional.md).</summary>
public static class TransactionalIdempotencyConventionBuilderExtensions
{
    /// <summary>
    /// Makes the endpoints idempotent (like <c>RequireIdempotency</c>) and runs each request in one database transaction
    /// with its idempotency record: the handler takes the transaction from the services (for PostgreSQL an
    /// <c>NpgsqlTransaction</c> parameter, for SQLite a <c>SqliteTransaction</c>), its writes and the record commit together,
    /// and the response is buffered (up to <see cref="IdempotencyMiddlewareOptions.MaxResponseBodySize"/>; a larger one
    /// fails the request and keeps nothing) and sent only after the commit. Needs a store that provides transactions
    /// (<c>AddNpgsqlStore().AddNpgsqlTransactions()</c>, <c>AddSqliteStore(...).AddSqliteTransactions()</c>).
    /// </summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The endpoint or route group builder.</param>
    /// <param name="policyName">The policy; the default policy when <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    public static TBuilder RequireTransactionalIdempotency<TBuilder>(this TBuilder builder, string? policyName = null)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var idempotent = new IdempotentAttribute { Policy = policyName };
        builder.Add(endpoint =>
        {
            endpoint.Metadata.Add(idempotent);
            endpoint.Metadata.Add(TransactionalIdempotencyMetadata.Instance);
        });
        return builder;
    }
}
