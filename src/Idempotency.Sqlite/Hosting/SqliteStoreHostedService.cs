using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Idempotency.Sqlite;

/// <summary>
/// Makes the table ready at start-up (before the host accepts work, so a missing table or an unknown schema version stops
/// the start), then purges expired records every <see cref="SqliteStoreOptions.PurgeInterval"/>.
/// </summary>
internal sealed class SqliteStoreHostedService : IHostedService, IAsyncDisposable
{
    private readonly SqliteIdempotencyStore _store;
    private readonly SqliteStoreOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _purgeLoop;
    private int _completedPurges;
    private int _disposed;

    public SqliteStoreHostedService(SqliteIdempotencyStore store, IOptions<SqliteStoreOptions> options, TimeProvider timeProvider, ILoggerFactory? loggerFactory = null)
    {
        _store = store;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = (ILogger?)loggerFactory?.CreateLogger("Idempotency.Sqlite") ?? NullLogger.Instance;
    }

    /// <summary>Gets how many purges (each one or more batches) have finished, failed ones included; tests wait on it.</summary>
    internal int CompletedPurges => Volatile.Read(ref _completedPurges);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _store.CreateTableAsync(cancellationToken).ConfigureAwait(false);
        Log.TableReady(_logger, _store.TableName, _store.DataSource);

        if (_options.PurgeEnabled)
        {
            // The timer starts now (not on the thread pool later), so the first purge is one interval after start-up.
            var timer = new PeriodicTimer(_options.PurgeInterval, _timeProvider);
            _purgeLoop = Task.Run(() => PurgeLoopAsync(timer, _stopping.Token), CancellationToken.None);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_purgeLoop is null)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _purgeLoop.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    // Idempotent: the container disposes the instance once as itself and once as the IHostedService it forwards to.
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stopping.Cancel();
            _stopping.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Runs one purge: batches until one deletes fewer rows than the batch size.</summary>
    internal async Task PurgeOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var deleted = await _store.PurgeAllExpiredAsync(_timeProvider.GetUtcNow(), _options.PurgeBatchSize, cancellationToken).ConfigureAwait(false);
            Log.Purged(_logger, deleted, _store.TableName);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Whatever went wrong, the next interval tries again: a purge that stops for good would let the file grow.
            Log.PurgeFailed(_logger, ex, _store.TableName, _options.PurgeInterval);
        }
        finally
        {
            Interlocked.Increment(ref _completedPurges);
        }
    }

    private async Task PurgeLoopAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        using var owned = timer;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await PurgeOnceAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
