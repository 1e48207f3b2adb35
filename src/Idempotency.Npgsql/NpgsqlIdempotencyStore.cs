using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace Idempotency.Npgsql;

/// <summary>
/// A PostgreSQL store: one table, every operation one statement and one round trip, over an application-owned
/// <see cref="NpgsqlDataSource"/> (a claim that collides with a concurrent claim of the same key may run its statement
/// once more). Expired rows are deleted by the purge service (or <see cref="PurgeExpiredAsync"/>).
/// </summary>
/// <remarks>
/// The table must exist: run the script from <see cref="GetCreateTableScript"/>, call <see cref="CreateTableAsync"/>, or set
/// <see cref="NpgsqlStoreOptions.CreateTableOnStartup"/>. Driver failures surface as
/// <see cref="IdempotencyStoreUnavailableException"/>, unreadable rows as <see cref="IdempotencyRecordCorruptException"/>.
/// </remarks>
public sealed partial class NpgsqlIdempotencyStore : IIdempotencyStore, IIdempotencyStoreStatistics, IIdempotencyStoreListing
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlStoreSql _sql;
    private readonly bool _prepare;
    private long _repeatedClaims;

    /// <summary>Initializes a new instance of the <see cref="NpgsqlIdempotencyStore"/> class.</summary>
    /// <param name="dataSource">The data source; the store does not dispose it.</param>
    /// <param name="options">The store options; defaults when <see langword="null"/>. Read once, here.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public NpgsqlIdempotencyStore(NpgsqlDataSource dataSource, NpgsqlStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        options ??= new NpgsqlStoreOptions();
        OptionErrors.ThrowIfAny(options, NpgsqlStoreOptionsValidator.Errors);
        _dataSource = dataSource;
        _sql = new NpgsqlStoreSql(options.SchemaName, options.TableName);
        _prepare = options.PrepareStatements;
    }

    /// <summary>Gets the schema-qualified, quoted name of the table, as it appears in the store's SQL.</summary>
    public string TableName => _sql.Table;

    /// <summary>Returns the DDL that creates the table and its purge index (the package's <c>Sql/create.sql</c> with the names filled in).</summary>
    /// <param name="options">The store options naming the schema and table; defaults when <see langword="null"/>.</param>
    /// <returns>The SQL script; it creates nothing that exists already.</returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static string GetCreateTableScript(NpgsqlStoreOptions? options = null)
    {
        options ??= new NpgsqlStoreOptions();
        OptionErrors.ThrowIfAny(options, NpgsqlStoreOptionsValidator.Errors);
        return NpgsqlStoreScript.CreateTable(new NpgsqlStoreSql(options.SchemaName, options.TableName));
    }

    // repeatable: the statement may run a second time on a fresh connection when the first one turns out dead — only
    // statements for which a second run cannot change the answer: reads, and the claim (its own row, found again with
    // its own owner token, is its acquisition). See NpgsqlStoreErrors.IsBrokenConnection.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<T> RunAsync<T, TState>(
        string operation,
        string sql,
        TState state,
        Action<NpgsqlParameterCollection, TState> bind,
        Func<NpgsqlCommand, TState, CancellationToken, Task<T>> execute,
        CancellationToken cancellationToken,
        bool repeatable = false)
    {
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    try
                    {
                        var command = new NpgsqlCommand(sql, connection);
                        await using (command.ConfigureAwait(false))
                        {
                            bind(command.Parameters, state);

                            // Prepared statements outlive the pooled connection: only the first use of a physical
                            // connection parses and plans (one extra round trip); later preparations are no-ops.
                            if (_prepare)
                            {
                                await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
                            }

                            return await execute(command, state, cancellationToken).ConfigureAwait(false);
                        }
                    }
                    catch (Exception ex) when (repeatable && attempt == 1 && NpgsqlStoreErrors.IsBrokenConnection(ex))
                    {
                        // A pooled connection the server closed (restart, failover). Its idle siblings are most likely
                        // dead too: the pool is emptied so that the one repeat runs on a new connection, not on another
                        // dead one (Npgsql may have discarded them already; clearing is cheap and makes one repeat enough).
                        NpgsqlConnection.ClearPool(connection);
                    }
                }
            }
        }
        catch (Exception ex) when (NpgsqlStoreErrors.IsBackendFailure(ex, cancellationToken))
        {
            throw NpgsqlStoreErrors.Unavailable(operation, ex, _sql.Table);
        }
    }

    private static async Task<int> NonQueryAsync<TState>(NpgsqlCommand command, TState state, CancellationToken cancellationToken) =>
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

    private static NpgsqlParameter<string> Text(string value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Text };

    // timestamptz takes UTC only; the instant is kept, the offset dropped.
    private static NpgsqlParameter<DateTimeOffset> Instant(DateTimeOffset value) => new() { TypedValue = value.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz };

    private static NpgsqlParameter<ReadOnlyMemory<byte>> Bytes(ReadOnlyMemory<byte> value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Bytea };

    private static NpgsqlParameter<bool> Boolean(bool value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Boolean };

    private static NpgsqlParameter<int> Integer(int value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Integer };
}
