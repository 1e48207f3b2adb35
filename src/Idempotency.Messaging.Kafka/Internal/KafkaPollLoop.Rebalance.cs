using Confluent.Kafka;

namespace Idempotency.Messaging.Kafka.Internal;

/// <summary>The poll loop's side of assignments and revocations: a worker per assigned partition, drained before it goes.</summary>
internal sealed partial class KafkaPollLoop
{
    private void Assign(List<TopicPartition> partitions)
    {
        Log.Assigned(_logger, string.Join(", ", partitions));
        foreach (var partition in partitions.Where(p => !_workers.ContainsKey(p)))
        {
            Start(partition);
        }
    }

    private KafkaPartitionWorker Start(TopicPartition partition)
    {
        var worker = new KafkaPartitionWorker(partition, _processor, Progressed, Wake, _options.MaxBufferedPerPartition / 2, _abortAll.Token, _logger);
        _workers[partition] = worker;
        return worker;
    }

    // Revoked: the running handlers finish (within the drain timeout) and what is done is committed before the
    // partitions move on. Lost: another member may own them already, so nothing is committed.
    private void Revoke(List<TopicPartition> partitions, bool lost)
    {
        Log.Revoked(_logger, lost ? "lost" : "revoked", string.Join(", ", partitions));
        Stop(partitions);
        if (!lost)
        {
            Commit();
        }
    }

    private void Stop(List<TopicPartition> partitions)
    {
        var workers = partitions.Select(p => _workers.GetValueOrDefault(p)).OfType<KafkaPartitionWorker>().ToList();
        Task.WhenAll(workers.Select(w => w.StopAsync(_options.DrainTimeout))).GetAwaiter().GetResult();

        // The workers' last finished records are stored while the partitions are still assigned.
        foreach (var worker in workers)
        {
            Store(worker);
            if (worker.Paused)
            {
                // A partition stays paused across a rebalance: resume it, or a later assignment would never fetch it.
                _consumer.Resume([worker.Partition]);
                worker.Paused = false;
                _paused.Remove(worker);
            }

            _workers.Remove(worker.Partition);
            worker.Dispose();
        }
    }

    private void Commit()
    {
        try
        {
            _consumer.Commit();
        }
        catch (KafkaException ex) when (ex.Error.Code == ErrorCode.Local_NoOffset)
        {
            // Nothing stored since the last commit.
        }
        catch (KafkaException ex)
        {
            Log.CommitFailed(_logger, ex.Error.Reason);
        }
    }
}
