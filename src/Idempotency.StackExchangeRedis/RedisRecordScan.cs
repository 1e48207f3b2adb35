using System.Globalization;
using StackExchange.Redis;

namespace Idempotency.StackExchangeRedis;

/// <summary>
/// Reads the store's records with <c>SCAN</c> in bounded batches, primary by primary (every primary of a cluster, in
/// endpoint order), under the store's key prefix: what listing and counting by status share. Each batch is one
/// <c>SCAN … MATCH prefix* COUNT n</c> and one <c>GET</c> per key found, pipelined.
/// </summary>
internal sealed class RedisRecordScan(IConnectionMultiplexer multiplexer, IDatabaseAsync database, int databaseNumber, string instanceName)
{
    /// <summary>The <c>COUNT</c> hint of each <c>SCAN</c>: how many keys one batch visits, about.</summary>
    public const int BatchSize = 250;

    private readonly RedisValue _pattern = EscapeGlob(instanceName) + "*";

    /// <summary>The primaries to scan, in a fixed order (their endpoints, ordinal), so a continuation names one of them.</summary>
    public List<(string Name, IServer Server)> Primaries()
    {
        var primaries = multiplexer.GetServers()
            .Where(static s => s.IsConnected && !s.IsReplica && s.ServerType != ServerType.Sentinel)
            .Select(static s => (Name: Convert.ToString(s.EndPoint, CultureInfo.InvariantCulture) ?? string.Empty, Server: s))
            .OrderBy(static s => s.Name, StringComparer.Ordinal)
            .ToList();
        return primaries.Count > 0
            ? primaries
            : throw new IdempotencyStoreUnavailableException("Redis has no connected primary to scan.");
    }

    /// <summary>
    /// Reads one batch: the next cursor (0 when the primary is done) and the batch's records in ordinal key order, after
    /// <paramref name="afterKey"/> when given. Keys that hold something else (another type, a value this store cannot
    /// read, a key gone since the scan) are left out.
    /// </summary>
    public async Task<(ulong Next, List<IdempotencyRecord> Records, List<string> Keys)> ReadBatchAsync(IServer server, ulong cursor, string? afterKey)
    {
        var reply = await server.ExecuteAsync(
            databaseNumber < 0 ? null : databaseNumber,
            "SCAN",
            [cursor.ToString(CultureInfo.InvariantCulture), "MATCH", _pattern, "COUNT", BatchSize],
            CommandFlags.None).ConfigureAwait(false);
        var parts = (RedisResult[])reply!;
        var next = ulong.Parse((string)parts[0]!, NumberStyles.None, CultureInfo.InvariantCulture);
        var keys = ((RedisKey[])parts[1]!)
            .Select(static k => (string)k!)
            .Where(k => afterKey is null || string.CompareOrdinal(k, afterKey) > 0)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();

        var reads = keys.Select(k => ReadAsync(k)).ToArray();
        var values = await Task.WhenAll(reads).ConfigureAwait(false);
        var records = new List<IdempotencyRecord>(keys.Count);
        var found = new List<string>(keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            if (values[i] is { } record)
            {
                records.Add(record);
                found.Add(keys[i]);
            }
        }

        return (next, records, found);
    }

    private async Task<IdempotencyRecord?> ReadAsync(string redisKey)
    {
        RedisValue value;
        try
        {
            value = await database.StringGetAsync(redisKey).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsWrongType(ex))
        {
            return null;
        }

        if (value.IsNull)
        {
            return null;
        }

        try
        {
            return RedisRecordFormat.Decode(redisKey[instanceName.Length..], (ReadOnlyMemory<byte>)value);
        }
        catch (IdempotencyRecordCorruptException)
        {
            return null;
        }
    }

    // The prefix is matched literally: SCAN's glob characters in it are escaped.
    private static string EscapeGlob(string text)
    {
        var escaped = new System.Text.StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '*' or '?' or '[' or ']' or '\\')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }
}
