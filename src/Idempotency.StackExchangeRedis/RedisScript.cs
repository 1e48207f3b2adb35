using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Idempotency.StackExchangeRedis;

/// <summary>
/// One Lua script, called by its SHA-1 (EVALSHA) once the server knows it. The first call, and the first call after the
/// server lost its script cache (restart, failover, SCRIPT FLUSH: the server answers NOSCRIPT), sends the text (EVAL),
/// which loads it again; no call ever fails because of the cache.
/// </summary>
internal sealed class RedisScript
{
    private readonly string _text;
    private readonly byte[] _hash;

    // Per store instance: false until an EVAL succeeded. On Redis Cluster each node answers NOSCRIPT once and is loaded then.
    private volatile bool _loaded;

    public RedisScript(string text)
    {
        _text = text;
#pragma warning disable CA5350 // Redis names scripts by SHA-1; this is an identifier, not security.
        _hash = SHA1.HashData(Encoding.UTF8.GetBytes(text));
#pragma warning restore CA5350
    }

    public async Task<RedisResult> EvaluateAsync(IDatabaseAsync database, RedisKey[] keys, RedisValue[] values)
    {
        if (_loaded)
        {
            try
            {
                return await database.ScriptEvaluateAsync(_hash, keys, values).ConfigureAwait(false);
            }
            catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
            {
                _loaded = false;
            }
        }

        var result = await database.ScriptEvaluateAsync(_text, keys, values).ConfigureAwait(false);
        _loaded = true;
        return result;
    }
}
