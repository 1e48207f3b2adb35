using System.Collections.Concurrent;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Idempotency.Messaging.Kafka.Internal;

/// <summary>
/// The one thread that touches the Confluent.Kafka consumer: polls, hands each record to its partition's worker, pauses a
/// partition whose worker is behind, stores the offsets the workers finished, and on revocation or stop waits for the
/// running handlers before committing. Because it keeps polling while handlers run, a long handler never exceeds
/// <c>max.poll.interval.ms</c>.
/// </summary>
internal sealed partial class KafkaPollLoop : IDisposable
{
    private readonly KafkaConsumerOptions _options;
    private readonly KafkaRecordProcessor _processor;
    private readonly ILogger _logger;
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly Dictionary<TopicPartition, KafkaPartitionWorker> _workers = [];
    private readonly List<KafkaPartitionWorker> _paused = [];
    private readonly ConcurrentQueue<KafkaPartitionWorker> _progressed = new();
    private readonly ManualResetEventSlim _wake = new();
    private readonly CancellationTokenSource _abortAll = new();

    public KafkaPollLoop(KafkaConsumerOptions options, KafkaRecordProcessor processor, KafkaClientLog clientLog, ILogger logger)
    {
        _options = options;
        _processor = processor;
        _logger = logger;

        // Offsets are stored by this loop once a record is done, and only stored offsets are committed.
        var config = new ConsumerConfig(options.ConsumerConfig.ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal))
        {
            EnableAutoOffsetStore = false,
            EnableAutoCommit = true,
        };
        _consumer = new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetPartitionsAssignedHandler((_, partitions) => Assign(partitions))
            .SetPartitionsRevokedHandler((_, partitions) => Revoke([.. partitions.Select(p => p.TopicPartition)], lost: false))
            .SetPartitionsLostHandler((_, partitions) => Revoke([.. partitions.Select(p => p.TopicPartition)], lost: true))
            .SetErrorHandler((_, error) => clientLog.Error(error))
            .SetLogHandler((_, message) => clientLog.Write(message))
            .Build();
    }

    /// <summary>Polls until <paramref name="stopping"/>, then drains the workers, commits and leaves the group.</summary>
    public void Run(CancellationToken stopping)
    {
        _consumer.Subscribe(_options.Topics);
        Log.Started(_logger, _options.ConsumerConfig.GroupId, string.Join(", ", _options.Topics));
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                // Reset before looking: a worker that becomes resumable from here on wakes the wait below.
                _wake.Reset();
                TakeProgress();

                // While a partition is paused, a poll must not sleep through the moment its worker drains: poll without
                // waiting, and wait for that moment (or the poll interval) when there is nothing to fetch.
                var waitForWorkers = _paused.Count > 0;
                ConsumeResult<byte[]?, byte[]?>? record;
                try
                {
                    record = _consumer.Consume(waitForWorkers ? TimeSpan.Zero : KafkaConsumerDefaults.PollInterval);
                }
                catch (ConsumeException ex) when (!ex.Error.IsFatal)
                {
                    // E.g. a subscribed topic that does not exist yet: librdkafka keeps trying.
                    continue;
                }

                if (record is { IsPartitionEOF: false })
                {
                    Dispatch(record);
                }
                else if (record is null && waitForWorkers)
                {
                    _wake.Wait(KafkaConsumerDefaults.PollInterval);
                }
            }
        }
        finally
        {
            Stop([.. _workers.Keys]);
            Commit();
            _consumer.Close();
            Log.Stopped(_logger, _options.ConsumerConfig.GroupId);
        }
    }

    /// <summary>Cancels every running handler: the host stopped waiting for a graceful stop.</summary>
    public void AbortAll() => _abortAll.Cancel();

    public void Dispose()
    {
        _consumer.Dispose();
        _abortAll.Dispose();
        _wake.Dispose();
    }

    private void Dispatch(ConsumeResult<byte[]?, byte[]?> record)
    {
        if (!_workers.TryGetValue(record.TopicPartition, out var worker))
        {
            worker = Start(record.TopicPartition);
        }

        worker.Enqueue(record);

        if (worker.Paused || worker.Buffered < _options.MaxBufferedPerPartition)
        {
            return;
        }

        // Full. Pausing drops what librdkafka prefetched (resuming fetches it again, from the record after this one), so
        // a worker that keeps up gets a poll interval to make some room first: the loop waits, polling nothing
        // meanwhile (rebalance callbacks included), which is no longer than one poll would wait.
        worker.WakeAt = _options.MaxBufferedPerPartition - Math.Max(1, _options.MaxBufferedPerPartition / 8);
        _wake.Reset();
        if (worker.Buffered > worker.WakeAt)
        {
            _wake.Wait(KafkaConsumerDefaults.PollInterval);
        }

        if (worker.Buffered <= worker.WakeAt)
        {
            worker.WakeAt = KafkaPartitionWorker.NoWake;
            return;
        }

        // A slow handler: the partition waits, paused, until its worker drained half of what it holds. WakeAt is set
        // first, so the worker, draining meanwhile, says when.
        worker.WakeAt = worker.ResumeAt;
        worker.Paused = true;
        _paused.Add(worker);
        _consumer.Pause([record.TopicPartition]);
    }

    // Called by a worker, from a pool thread, once until the loop takes its progress.
    private void Progressed(KafkaPartitionWorker worker) => _progressed.Enqueue(worker);

    // Called by a worker, from a pool thread, once it drained down to its WakeAt.
    private void Wake() => _wake.Set();

    /// <summary>
    /// On this loop's thread: stores the offset of the last record each worker finished (one store covers every record
    /// before it in the partition), and resumes the paused partitions whose workers drained enough.
    /// </summary>
    private void TakeProgress()
    {
        while (_progressed.TryDequeue(out var worker))
        {
            if (_workers.TryGetValue(worker.Partition, out var current) && current == worker)
            {
                Store(worker);
            }

            // Otherwise revoked meanwhile: its records are delivered again to the partition's next owner.
        }

        for (var i = _paused.Count - 1; i >= 0; i--)
        {
            var worker = _paused[i];
            if (worker.MayResume)
            {
                _consumer.Resume([worker.Partition]);
                worker.Paused = false;
                worker.WakeAt = KafkaPartitionWorker.NoWake;
                _paused.RemoveAt(i);
            }
        }
    }

    private void Store(KafkaPartitionWorker worker)
    {
        if (worker.TakeFinished() is not { } record)
        {
            return;
        }

        try
        {
            _consumer.StoreOffset(record);
        }
        catch (KafkaException ex)
        {
            Log.OffsetNotStored(_logger, record.Topic, record.Partition.Value, record.Offset.Value, ex.Error.Reason);
        }
    }
}
