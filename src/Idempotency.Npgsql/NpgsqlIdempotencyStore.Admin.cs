using Npgsql;

namespace Idempotency.Npgsql;

public sealed partial class NpgsqlIdempotencyStore
{
    // Arbitrary but fixed: serializes concurrent table creation (CREATE ... IF NOT EXISTS races on the catalog otherwise).
    private const long CreateTableLockKey = 0x4964_656D_706F_7401;

    /// <inheritdoc />
    public ValueTask<IdempotencyRecord?> GetAsync(string key, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(
            "get",
            _sql.Get,
            (key, now),
            static (parameters, s) =>
            {
                parameters.Add(Text(s.key));
                parameters.Add(Instant(s.now));
            },
            static async (command, s, ct) =>
            {
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await reader.ReadAsync(ct).ConfigureAwait(false) ? RecordReader.Read(reader, 0, s.key) : null;
                }
            },
            cancellationToken,
            repeatable: true);

    /// <inheritdoc />
    public async ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken) =>
        await RunAsync("delete", _sql.Delete, key, static (parameters, k) => parameters.Add(Text(k)), NonQueryAsync, cancellationToken).ConfigureAwait(false) > 0;

    /// <inheritdoc />
    /// <remarks>One DELETE of at most <paramref name="batchSize"/> rows; rows locked by a claim or another purger are skipped, never waited for.</remarks>
    public ValueTask<int> PurgeExpiredAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return RunAsync(
            "purge",
            _sql.Purge,
            (now, batchSize),
            static (parameters, s) =>
            {
                parameters.Add(Instant(s.now));
                parameters.Add(Integer(s.batchSize));
            },
            NonQueryAsync,
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Rows with a status this version does not know are not counted.</remarks>
    public ValueTask<IReadOnlyDictionary<IdempotencyRecordStatus, long>> CountByStatusAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(
            "count",
            _sql.CountByStatus,
            now,
            static (parameters, n) => parameters.Add(Instant(n)),
            static async (command, _, ct) =>
            {
                var counts = new Dictionary<IdempotencyRecordStatus, long>
                {
                    [IdempotencyRecordStatus.InProgress] = 0,
                    [IdempotencyRecordStatus.Completed] = 0,
                    [IdempotencyRecordStatus.Failed] = 0,
                };
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        var status = (IdempotencyRecordStatus)reader.GetInt16(0);
                        if (counts.ContainsKey(status))
                        {
                            counts[status] = reader.GetInt64(1);
                        }
                    }
                }

                return (IReadOnlyDictionary<IdempotencyRecordStatus, long>)counts;
            },
            cancellationToken);

    /// <summary>Deletes every record expired at <paramref name="now"/>, in batches, until a batch deletes fewer than <paramref name="batchSize"/>.</summary>
    /// <param name="now">The caller's clock.</param>
    /// <param name="batchSize">The most rows one statement deletes.</param>
    /// <param name="cancellationToken">Stops between batches (or aborts the running one).</param>
    /// <returns>How many records were deleted.</returns>
    public async ValueTask<long> PurgeAllExpiredAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken)
    {
        long total = 0;
        int deleted;
        do
        {
            deleted = await PurgeExpiredAsync(now, batchSize, cancellationToken).ConfigureAwait(false);
            total += deleted;
        }
        while (deleted >= batchSize);

        return total;
    }

    /// <summary>
    /// Creates the schema (when missing), the table and its purge index (<see cref="GetCreateTableScript"/>) unless they
    /// exist. Safe to run from several instances at once.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the table exists.</returns>
    public async ValueTask CreateTableAsync(CancellationToken cancellationToken)
    {
        try
        {
            var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock($1)", CreateTableLockKey, cancellationToken).ConfigureAwait(false);

                    // CREATE SCHEMA needs the CREATE privilege on the database even when the schema exists: skip it then.
                    await using (var exists = new NpgsqlCommand(_sql.SchemaExists, connection))
                    {
                        exists.Parameters.Add(Text(_sql.QuotedSchema));
                        if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
                        {
                            await ExecuteAsync(connection, _sql.CreateSchema, null, cancellationToken).ConfigureAwait(false);
                        }
                    }

                    // One command per statement: a multi-statement command would depend on Npgsql's SQL parsing being on.
                    foreach (var statement in NpgsqlStoreScript.Statements(NpgsqlStoreScript.CreateTable(_sql)))
                    {
                        await ExecuteAsync(connection, statement, null, cancellationToken).ConfigureAwait(false);
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (NpgsqlStoreErrors.IsBackendFailure(ex, cancellationToken))
        {
            throw NpgsqlStoreErrors.Unavailable("create table", ex, _sql.Table);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, long? argument, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (argument is { } value)
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = value });
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
