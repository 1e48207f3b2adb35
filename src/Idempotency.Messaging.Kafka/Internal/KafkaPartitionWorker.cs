using System.Threading.Channels;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Idempotency.Messaging.Kafka.Internal;

/// <summary>
/// Processes the records of one assigned partition one after another, in offset order, and reports each finished
/// record to the poll loop (which stores its offset). Records wait here, in memory, behind the one being processed or
/// retried; the poll loop pauses the partition when too many wait. Owned by the poll loop, created on assignment and
/// stopped on revocation.
/// </summary>
internal sealed class KafkaPartitionWorker : IDisposable
{
    private readonly Channel<ConsumeResult<byte[]?, byte[]?>> _records = Channel.CreateUnbounded<ConsumeResult<byte[]?, byte[]?>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort;
    private readonly KafkaRecordProcessor _processor;
    private readonly Action<KafkaPartitionWorker, ConsumeResult<byte[]?, byte[]?>> _done;
    private readonly ILogger _logger;
    private readonly Task _run;
    private int _buffered;

    /// <summary>Starts processing the partition's records as they are enqueued.</summary>
    /// <param name="partition">The partition.</param>
    /// <param name="processor">Processes one record until it may be committed.</param>
    /// <param name="done">Told (from a pool thread) of each record that may be committed, in order.</param>
    /// <param name="abortAll">Cancels every running handler at once (the host gave up waiting for the stop).</param>
    /// <param name="logger">The logger.</param>
    public KafkaPartitionWorker(TopicPartition partition, KafkaRecordProcessor processor, Action<KafkaPartitionWorker, ConsumeResult<byte[]?, byte[]?>> done, CancellationToken abortAll, ILogger logger)
    {
        Partition = partition;
        _processor = processor;
        _done = done;
        _logger = logger;
        _abort = CancellationTokenSource.CreateLinkedTokenSource(abortAll);
        _run = Task.Run(RunAsync, CancellationToken.None);
    }

    public TopicPartition Partition { get; }

    /// <summary>Gets how many records were handed over and not yet finished (the one in process included).</summary>
    public int Buffered => Volatile.Read(ref _buffered);

    /// <summary>Gets or sets whether the poll loop paused the partition (only the poll loop's thread reads or writes it).</summary>
    public bool Paused { get; set; }

    /// <summary>Hands over the next record of the partition (poll loop thread only).</summary>
    public void Enqueue(ConsumeResult<byte[]?, byte[]?> record)
    {
        Interlocked.Increment(ref _buffered);
        _records.Writer.TryWrite(record);
    }

    /// <summary>
    /// Stops taking records: waiting ones are dropped (they were never committed, so they are delivered again), a retry
    /// wait ends, and a running handler has <paramref name="drainTimeout"/> to finish before it is cancelled.
    /// </summary>
    public async Task StopAsync(TimeSpan drainTimeout)
    {
        _records.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _run.WaitAsync(drainTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.HandlerCancelled(_logger, Partition.Topic, Partition.Partition.Value, drainTimeout);
            await _abort.CancelAsync().ConfigureAwait(false);
            try
            {
                await _run.WaitAsync(drainTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // A handler that ignores cancellation is left behind: its record is not committed (the worker is no
                // longer the partition's), and the consumer goes on rather than hang.
                Log.HandlerAbandoned(_logger, Partition.Topic, Partition.Partition.Value);
            }
        }
    }

    public void Dispose()
    {
        // An abandoned handler may still read the tokens.
        if (_run.IsCompleted)
        {
            _stopping.Dispose();
            _abort.Dispose();
        }
    }

    private async Task RunAsync()
    {
        try
        {
            while (await _records.Reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                while (!_stopping.IsCancellationRequested && _records.Reader.TryRead(out var record))
                {
                    if (!await _processor.ProcessAsync(record, _stopping.Token, _abort.Token).ConfigureAwait(false))
                    {
                        return;
                    }

                    Interlocked.Decrement(ref _buffered);
                    _done(this, record);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Revoked or stopping while idle.
        }
    }
}
