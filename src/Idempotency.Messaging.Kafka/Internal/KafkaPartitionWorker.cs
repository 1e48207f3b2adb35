using System.Threading.Channels;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Idempotency.Messaging.Kafka.Internal;

/// <summary>
/// Processes the records of one assigned partition one after another, in offset order, and tells the poll loop, which
/// stores the offset of the last one finished. Records wait here, in memory, behind the one being processed or
/// retried; the poll loop pauses the partition when too many wait. Owned by the poll loop, created on assignment and
/// stopped on revocation.
/// </summary>
internal sealed class KafkaPartitionWorker : IDisposable
{
    /// <summary>The <see cref="WakeAt"/> of a worker the poll loop is not waiting for.</summary>
    public const int NoWake = -1;

    private readonly Channel<ConsumeResult<byte[]?, byte[]?>> _records = Channel.CreateUnbounded<ConsumeResult<byte[]?, byte[]?>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort;
    private readonly KafkaRecordProcessor _processor;
    private readonly Action<KafkaPartitionWorker> _progressed;
    private readonly Action _wake;
    private readonly int _resumeAt;
    private readonly ILogger _logger;
    private readonly Task _run;
    private ConsumeResult<byte[]?, byte[]?>? _finished;
    private int _buffered;
    private int _reported;
    private volatile int _wakeAt = NoWake;

    /// <summary>Starts processing the partition's records as they are enqueued.</summary>
    /// <param name="partition">The partition.</param>
    /// <param name="processor">Processes one record until it may be committed.</param>
    /// <param name="progressed">
    /// Told (from a pool thread) that a record was finished, at most once until the poll loop calls <see cref="TakeFinished"/>:
    /// records finish far faster than a poll, and one store of the last offset covers every record before it.
    /// </param>
    /// <param name="wake">Wakes the poll loop (from a pool thread): the worker drained down to <see cref="WakeAt"/>.</param>
    /// <param name="resumeAt">How few buffered records let a paused partition resume.</param>
    /// <param name="abortAll">Cancels every running handler at once (the host gave up waiting for the stop).</param>
    /// <param name="logger">The logger.</param>
    public KafkaPartitionWorker(TopicPartition partition, KafkaRecordProcessor processor, Action<KafkaPartitionWorker> progressed, Action wake, int resumeAt, CancellationToken abortAll, ILogger logger)
    {
        Partition = partition;
        _processor = processor;
        _progressed = progressed;
        _wake = wake;
        _resumeAt = resumeAt;
        _logger = logger;
        _abort = CancellationTokenSource.CreateLinkedTokenSource(abortAll);
        _run = Task.Run(RunAsync, CancellationToken.None);
    }

    public TopicPartition Partition { get; }

    /// <summary>Gets how many records were handed over and not yet finished (the one in process included).</summary>
    public int Buffered => Volatile.Read(ref _buffered);

    /// <summary>Gets or sets whether the poll loop paused the partition (only the poll loop's thread reads or writes it).</summary>
    public bool Paused { get; set; }

    /// <summary>Gets how few buffered records let a paused partition resume.</summary>
    public int ResumeAt => _resumeAt;

    /// <summary>Gets whether the poll loop may resume the partition: paused, and few enough records left.</summary>
    public bool MayResume => Paused && Buffered <= _resumeAt;

    /// <summary>
    /// Sets how few buffered records make the worker wake the poll loop (the loop waits for room, or for a paused
    /// partition to drain); <see cref="NoWake"/> for never. Set by the poll loop's thread.
    /// </summary>
    public int WakeAt
    {
        get => _wakeAt;
        set => _wakeAt = value;
    }

    /// <summary>
    /// Takes the last record finished since the previous call, or <see langword="null"/> (poll loop thread only). Every
    /// record before it, in the partition, is finished too.
    /// </summary>
    public ConsumeResult<byte[]?, byte[]?>? TakeFinished()
    {
        // Re-armed first: a record finished from here on is told again, so none is left unstored.
        Volatile.Write(ref _reported, 0);
        return Interlocked.Exchange(ref _finished, null);
    }

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

                    Volatile.Write(ref _finished, record);
                    var buffered = Interlocked.Decrement(ref _buffered);

                    // Once until the loop takes it, not once per record: records finish far faster than polls.
                    if (Interlocked.Exchange(ref _reported, 1) == 0)
                    {
                        _progressed(this);
                    }

                    if (buffered <= _wakeAt)
                    {
                        _wake();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Revoked or stopping while idle.
        }
    }
}
