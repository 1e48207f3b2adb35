using System.Globalization;
using StackExchange.Redis;

namespace Idempotency.StackExchangeRedis;

/// <summary>
/// Waits until replicas have a record write (<see cref="RedisStoreOptions.WaitForReplicas"/>): Redis' <c>WAIT</c>, sent to
/// the primary that owns the key on the same connection that carried the write, so it covers that write.
/// </summary>
/// <remarks>
/// Redis replicates asynchronously: a primary that dies before its replica has a write loses it when the replica takes
/// over. Waiting after the claim means the work never starts on a claim a failover could lose (another caller could
/// claim the key again while the work runs); waiting after the completion and the renewal means the caller is told the
/// record is stored, or the lease is extended, only once a replica has it. <c>WAIT</c> cannot run inside a script.
/// It holds the connection it is sent on until it returns (StackExchange.Redis shares one connection per server), so
/// every command to that server waits behind it: the cost is measured in docs/stores/redis.md.
/// </remarks>
internal sealed class RedisReplicaWait(IConnectionMultiplexer multiplexer, int replicas, TimeSpan timeout)
{
    private readonly object[] _arguments = [replicas, (long)Math.Ceiling(timeout.TotalMilliseconds)];

    /// <summary>Returns once <c>replicas</c> replicas have every write made so far on the key's connection; throws <see cref="IdempotencyStoreUnavailableException"/> otherwise.</summary>
    public async ValueTask WaitAsync(RedisKey key, string operation)
    {
        long acknowledged;
        try
        {
            var primary = multiplexer.GetServer(key, flags: CommandFlags.DemandMaster);
            acknowledged = (long)await primary.ExecuteAsync("WAIT", _arguments, CommandFlags.DemandMaster).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsBackendFailure(ex))
        {
            throw RedisFailures.Unavailable(ex, $"{operation} (WAIT for replicas)");
        }

        if (acknowledged < replicas)
        {
            throw new IdempotencyStoreUnavailableException(string.Create(
                CultureInfo.InvariantCulture,
                $"Redis wrote the {operation}, but {acknowledged} of the {replicas} replica(s) asked for (RedisStoreOptions.WaitForReplicas) had it within {timeout.TotalMilliseconds} ms: a failover could lose it."));
        }
    }
}
