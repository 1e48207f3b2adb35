using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Idempotency.StackExchangeRedis.Tests;

/// <summary>Where the engine's records land in a cluster, to tell which keys a failover of one shard touched.</summary>
public static class ClusterKeys
{
    /// <summary>
    /// The Redis key of a record written through the engine with the default options, no scope: the store key
    /// <c>idem:default:{operation}::{base64url(SHA-256(key))}</c> behind the store's instance name.
    /// </summary>
    public static RedisKey RedisKeyOf(string instanceName, string operation, string key) =>
        $"{instanceName}idem:default:{operation}::{Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))}";

    /// <summary>A hash tag (<c>{...}</c>) whose slot the given primary serves: keys behind it all live on that primary.</summary>
    public static string HashTagServedBy(IConnectionMultiplexer multiplexer, Idempotency.TestServers.RedisClusterNode primary)
    {
        for (var i = 0; ; i++)
        {
            var tag = $"{{shard-{i}}}";
            if (primary.Serves(multiplexer.GetHashSlot(tag)))
            {
                return tag;
            }
        }
    }
}
