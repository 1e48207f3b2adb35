namespace Idempotency.Sqlite;

public sealed partial class SqliteIdempotencyStore
{
    /// <summary>
    /// Switches the database to WAL, creates the table from the shipped script when it is missing (and the options allow
    /// it), and checks its schema version. The store does this on first use; the hosted service calls it at start-up so
    /// a problem stops the start. Safe to run from several processes at once.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the table is ready.</returns>
    /// <exception cref="IdempotencyStoreMisconfiguredException">The table is missing (and may not be created), or has a schema version this package does not read.</exception>
    /// <exception cref="IdempotencyStoreUnavailableException">The database could not be opened or written.</exception>
    public async ValueTask CreateTableAsync(CancellationToken cancellationToken)
    {
        _schemaReady = false;
        await EnsureSchemaAsync("create table", cancellationToken).ConfigureAwait(false);
    }

    // A failed check is not remembered: the next call tries again (the disk may have been full, the file locked).
    private async ValueTask EnsureSchemaAsync(string operation, CancellationToken cancellationToken)
    {
        await _schemaGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_schemaReady)
            {
                return;
            }

            if (_createIfMissing)
            {
                CreateFolder(_pool.DataSource);
            }

            var connection = _pool.Rent();
            var broken = true;
            try
            {
                SqliteSchema.Ensure(connection, _sql, _createIfMissing);
                broken = false;
            }
            finally
            {
                _pool.Return(connection, broken);
            }

            _schemaReady = true;
        }
        catch (Exception ex) when (SqliteStoreErrors.IsBackendFailure(ex, cancellationToken))
        {
            throw SqliteStoreErrors.Unavailable(operation, ex, _sql.Table);
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    // SQLite creates a missing file but not its folder; a URI data source (file:...) is left to SQLite.
    private static void CreateFolder(string dataSource)
    {
        if (dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
    }
}
