using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Idempotency.StackExchangeRedis;

/// <summary>
/// One Lua script, called by its SHA-1 (EVALSHA) once the server knows it. The first call sends the text (EVAL), which
/// loads it; when the server has lost its script cache (restart, failover, SCRIPT FLUSH) it answers NOSCRIPT and the
/// caller sends the text again with <see cref="ReloadAsync"/>, so no call ever fails because of the cache.
/// </summary>
/// <remarks>
/// <see cref="EvaluateAsync"/> is not an async method: the store awaits the driver's task directly, one state machine
/// fewer on the hot path.
/// </remarks>
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

    public static bool IsNoScript(RedisServerException exception) => exception.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal);

    public Task<RedisResult> EvaluateAsync(IDatabaseAsync database, RedisKey[] keys, RedisValue[] values) =>
        _loaded ? database.ScriptEvaluateAsync(_hash, keys, values) : LoadAsync(database, keys, values);

    public Task<RedisResult> ReloadAsync(IDatabaseAsync database, RedisKey[] keys, RedisValue[] values)
    {
        _loaded = false;
        return LoadAsync(database, keys, values);
    }

    private async Task<RedisResult> LoadAsync(IDatabaseAsync database, RedisKey[] keys, RedisValue[] values)
    {
        var result = await database.ScriptEvaluateAsync(_text, keys, values).ConfigureAwait(false);
        _loaded = true;
        return result;
    }
}
