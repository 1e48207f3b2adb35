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
    private readonly ConcurrentQueue<Action> _fromWorkers = new();
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
                RunWorkerRequests();
                ConsumeResult<byte[]?, byte[]?>? record;
                try
                {
                    record = _consumer.Consume(KafkaConsumerDefaults.PollInterval);
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
    }

    private void Dispatch(ConsumeResult<byte[]?, byte[]?> record)
    {
        if (!_workers.TryGetValue(record.TopicPartition, out var worker))
        {
            worker = Start(record.TopicPartition);
        }

        worker.Enqueue(record);

        // Pausing drops what librdkafka prefetched; resuming fetches from the record after this one.
        if (!worker.Paused && worker.Buffered >= _options.MaxBufferedPerPartition)
        {
            _consumer.Pause([record.TopicPartition]);
            worker.Paused = true;
        }
    }

    // Called by a worker, from a pool thread: the store happens on this loop's thread.
    private void Done(KafkaPartitionWorker worker, ConsumeResult<byte[]?, byte[]?> record) => _fromWorkers.Enqueue(() =>
    {
        if (!_workers.TryGetValue(worker.Partition, out var current) || current != worker)
        {
            return; // revoked meanwhile: the record is delivered again to the partition's next owner
        }

        try
        {
            _consumer.StoreOffset(record);
        }
        catch (KafkaException ex)
        {
            Log.OffsetNotStored(_logger, record.Topic, record.Partition.Value, record.Offset.Value, ex.Error.Reason);
        }

        if (worker.Paused && worker.Buffered <= _options.MaxBufferedPerPartition / 2)
        {
            _consumer.Resume([worker.Partition]);
            worker.Paused = false;
        }
    });

    private void RunWorkerRequests()
    {
        while (_fromWorkers.TryDequeue(out var request))
        {
            request();
        }
    }
}
