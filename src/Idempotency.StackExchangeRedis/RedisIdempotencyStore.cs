using System.Buffers;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Idempotency.StackExchangeRedis;

/// <summary>
/// An idempotency store on Redis: one string key per record and one command per operation — the claim is a
/// <c>SET NX GET</c> that returns the live record in the same round trip, the owner-guarded operations are Lua scripts —
/// with native expiry for clean-up while the caller's clock decides liveness. Works unchanged on Redis Cluster.
/// The multiplexer is owned by the application, not by the store. A server that may evict records is reported
/// (<see cref="RedisStoreOptions.EvictionCheck"/>).
/// </summary>
public sealed partial class RedisIdempotencyStore : IIdempotencyStore, IIdempotencyStoreSetupCheck, IIdempotencyStoreStatistics, IIdempotencyStoreListing
{
    private readonly IDatabaseAsync _database;
    private readonly string _instanceName;
    private readonly RedisEvictionGuard _eviction;
    private readonly RedisReplicaWait? _replicas;
    private readonly RedisRecordScan _scan;
    private readonly RedisScript _claim = new(RedisScripts.Claim);
    private readonly RedisScript _finish = new(RedisScripts.Finish);
    private readonly RedisScript _renew = new(RedisScripts.Renew);
    private readonly RedisScript _release = new(RedisScripts.Release);

    // Cleared for good when the server rejects SET with both NX and GET (before Redis 7.0).
    private volatile bool _setIfAbsentAndGet = true;

    /// <summary>Initializes a new instance of the <see cref="RedisIdempotencyStore"/> class.</summary>
    /// <param name="multiplexer">The connection to Redis, owned (and disposed) by the caller.</param>
    /// <param name="options">The store options; defaults when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Logging (the eviction policy warning); none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public RedisIdempotencyStore(IConnectionMultiplexer multiplexer, RedisStoreOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(multiplexer);
        options ??= new RedisStoreOptions();
        OptionErrors.ThrowIfAny(options, RedisStoreOptionsValidator.Errors);

        _database = multiplexer.GetDatabase(options.Database);
        _instanceName = options.InstanceName;
        _eviction = new RedisEvictionGuard(
            multiplexer,
            options.EvictionCheck,
            (ILogger?)loggerFactory?.CreateLogger("Idempotency.StackExchangeRedis") ?? NullLogger.Instance);
        _scan = new RedisRecordScan(multiplexer, _database, options.Database, options.InstanceName);
        _replicas = options.WaitForReplicas > 0 ? new RedisReplicaWait(multiplexer, options.WaitForReplicas, options.WaitForReplicasTimeout) : null;
    }

    // Tests run the conformance suite a second time with every claim through the script (what servers before 7.0 get).
    internal bool ClaimsWithScriptOnly
    {
        get => !_setIfAbsentAndGet;
        init => _setIfAbsentAndGet = !value;
    }

    /// <inheritdoc />
    /// <remarks>
    /// One round trip: <c>SET key value NX PX ttl GET</c> takes an absent key or returns the value that holds it. Only
    /// when that value is a record the claim may replace (an expired lease after a crash or a retryable failure, either
    /// claimed with the record's fingerprint; a record expired by the caller's clock before Redis' own expiry) does a second round trip, the claim script, take it over
    /// atomically. Servers older than Redis 7.0 (no <c>NX</c> with <c>GET</c>) get the claim script every time.
    /// With <see cref="RedisStoreOptions.WaitForReplicas"/>, an acquired claim also waits for the replicas.
    /// The first claim of a store reads the servers' eviction policy first (<see cref="RedisStoreOptions.EvictionCheck"/>).
    /// </remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<IdempotencyClaimResult> ClaimAsync(IdempotencyClaimRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_eviction.ClaimsCleared)
        {
            await _eviction.BeforeClaimAsync().ConfigureAwait(false);
        }

        // The in-progress record travels in a pooled buffer: on a replay it is sent and discarded, on every request.
        var length = RedisRecordFormat.ClaimLength(request);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        RedisRecordFormat.EncodeClaim(request, buffer);
        var result = await ClaimAsync(request, new ReadOnlyMemory<byte>(buffer, 0, length)).ConfigureAwait(false);

        // Returned only once the commands that carried it have answered: a command that failed (a timeout) may still
        // sit in the multiplexer's queue and be written later, so its buffer is left to the garbage collector.
        ArrayPool<byte>.Shared.Return(buffer);
        return result;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<IdempotencyClaimResult> ClaimAsync(IdempotencyClaimRequest request, ReadOnlyMemory<byte> value)
    {
        var key = RedisKeyOf(request.Key);
        var nativeTtl = RedisRecordFormat.NativeTtlMilliseconds(request.Ttl);
        if (_setIfAbsentAndGet)
        {
            RedisValue previous;
            try
            {
                previous = await _database.StringSetAndGetAsync(key, value, TimeSpan.FromMilliseconds(nativeTtl), keepTtl: false, When.NotExists).ConfigureAwait(false);
            }
            catch (Exception ex) when (RedisFailures.IsWrongType(ex))
            {
                throw RedisFailures.WrongType(request.Key);
            }
            catch (Exception ex) when (IsSetIfAbsentAndGetUnsupported(ex))
            {
                _setIfAbsentAndGet = false;
                previous = RedisValue.Null;
            }
            catch (Exception ex) when (RedisFailures.IsBackendFailure(ex))
            {
                throw RedisFailures.Unavailable(ex, "claim");
            }

            if (_setIfAbsentAndGet)
            {
                if (previous.IsNull)
                {
                    return _replicas is null ? IdempotencyClaimResult.Acquired : await ReplicatedClaimAsync(request, key).ConfigureAwait(false);
                }

                var held = RedisRecordFormat.Decode(request.Key, (ReadOnlyMemory<byte>)previous);
                if (held.BlocksClaim(request.Now, request.Fingerprint))
                {
                    return IdempotencyClaimResult.Held(held);
                }
            }
        }

        return await ClaimWithScriptAsync(request, key, value, nativeTtl).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<bool> CompleteAsync(string key, string ownerToken, ReadOnlyMemory<byte> payload, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken) =>
        FinishAsync(key, ownerToken, IdempotencyRecordStatus.Completed, 0, payload, now, ttl, "complete", cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> FailAsync(string key, string ownerToken, ReadOnlyMemory<byte> payload, bool retryable, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken) =>
        FinishAsync(key, ownerToken, IdempotencyRecordStatus.Failed, retryable ? RedisRecordFormat.RetryableFlag : 0, payload, now, ttl, "fail", cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> RenewAsync(string key, string ownerToken, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken) =>
        OwnedAsync(_renew, "renew", key, [ownerToken, now.ToUnixTimeMilliseconds(), (now + lease).ToUnixTimeMilliseconds()], replicate: true, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken) =>
        OwnedAsync(_release, "release", key, [ownerToken], replicate: false, cancellationToken);

    /// <inheritdoc />
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<IdempotencyRecord?> GetAsync(string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        RedisValue value;
        try
        {
            value = await _database.StringGetAsync(RedisKeyOf(key)).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsWrongType(ex))
        {
            throw RedisFailures.WrongType(key);
        }
        catch (Exception ex) when (RedisFailures.IsBackendFailure(ex))
        {
            throw RedisFailures.Unavailable(ex, "get");
        }

        if (value.IsNull)
        {
            return null;
        }

        var record = RedisRecordFormat.Decode(key, (ReadOnlyMemory<byte>)value);
        return now < record.ExpiresAt ? record : null;
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return await _database.KeyDeleteAsync(RedisKeyOf(key)).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsBackendFailure(ex))
        {
            throw RedisFailures.Unavailable(ex, "delete");
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Reads <c>maxmemory</c> and <c>maxmemory-policy</c> of every connected primary (<c>CONFIG GET</c>, or <c>INFO memory</c>
    /// when CONFIG is refused): Healthy when none may evict records, otherwise Degraded (<see cref="RedisEvictionCheck.Warn"/>)
    /// or Unhealthy (<see cref="RedisEvictionCheck.Refuse"/>); always Healthy with <see cref="RedisEvictionCheck.Allow"/>.
    /// </remarks>
    public ValueTask<HealthCheckResult> CheckSetupAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return _eviction.CheckAsync();
    }

    /// <inheritdoc />
    /// <remarks>Redis drops records itself (native expiry), so there is nothing to purge: always 0.</remarks>
    public ValueTask<int> PurgeExpiredAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken) => ValueTask.FromResult(0);

    // Takes over a dead record (or claims on servers without SET NX GET): the script re-checks liveness atomically.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<IdempotencyClaimResult> ClaimWithScriptAsync(IdempotencyClaimRequest request, RedisKey key, ReadOnlyMemory<byte> value, long nativeTtl)
    {
        RedisKey[] keys = [key];
        RedisValue[] values = [request.Now.ToUnixTimeMilliseconds(), value, nativeTtl];
        RedisResult result;
        try
        {
            try
            {
                result = await _claim.EvaluateAsync(_database, keys, values).ConfigureAwait(false);
            }
            catch (RedisServerException ex) when (RedisScript.IsNoScript(ex))
            {
                result = await _claim.ReloadAsync(_database, keys, values).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (RedisFailures.IsBackendFailure(ex))
        {
            throw RedisFailures.Unavailable(ex, "claim");
        }

        if (result.Resp2Type == ResultType.Integer)
        {
            return (long)result switch
            {
                RedisScripts.Done => _replicas is null ? IdempotencyClaimResult.Acquired : await ReplicatedClaimAsync(request, key).ConfigureAwait(false),
                RedisScripts.WrongType => throw RedisFailures.WrongType(request.Key),
                _ => throw RedisFailures.Unreadable(request.Key),
            };
        }

        var existing = (byte[]?)result ?? throw RedisFailures.Unreadable(request.Key);
        return IdempotencyClaimResult.Held(RedisRecordFormat.Decode(request.Key, existing));
    }

    // A claim the replicas do not have could be lost in a failover while its work runs, and the key claimed again: the
    // work must not start. Released (best effort) so that a retry need not wait for the lease to end.
    private async ValueTask<IdempotencyClaimResult> ReplicatedClaimAsync(IdempotencyClaimRequest request, RedisKey key)
    {
        try
        {
            await _replicas!.WaitAsync(key, "claim").ConfigureAwait(false);
            return IdempotencyClaimResult.Acquired;
        }
        catch (IdempotencyStoreUnavailableException)
        {
            try
            {
                await OwnedAsync(_release, "release", request.Key, [request.OwnerToken], replicate: false, CancellationToken.None).ConfigureAwait(false);
            }
            catch (IdempotencyException)
            {
                // The claim stays until its lease ends, as after a crash; the caller still hears the first failure.
            }

            throw;
        }
    }

    private ValueTask<bool> FinishAsync(string key, string ownerToken, IdempotencyRecordStatus status, int flags, ReadOnlyMemory<byte> payload, DateTimeOffset now, TimeSpan ttl, string operation, CancellationToken cancellationToken) =>
        OwnedAsync(_finish, operation, key,
        [
            ownerToken,
            (int)status,
            flags,
            now.ToUnixTimeMilliseconds(),
            (now + ttl).ToUnixTimeMilliseconds(),
            RedisRecordFormat.NativeTtlMilliseconds(ttl),
            payload,
        ], replicate: true, cancellationToken);

    // replicate: wait for the replicas after the script (WaitForReplicas) whatever it answered, so that a retried completion
    // whose first attempt was written but not acknowledged by the replicas waits for them again. A lost release is harmless
    // (the record stays in progress until its lease ends, as after a crash), so a release does not wait.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> OwnedAsync(RedisScript script, string operation, string key, RedisValue[] values, bool replicate, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        RedisKey[] keys = [RedisKeyOf(key)];
        RedisResult result;
        try
        {
            try
            {
                result = await script.EvaluateAsync(_database, keys, values).ConfigureAwait(false);
            }
            catch (RedisServerException ex) when (RedisScript.IsNoScript(ex))
            {
                result = await script.ReloadAsync(_database, keys, values).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (RedisFailures.IsBackendFailure(ex))
        {
            throw RedisFailures.Unavailable(ex, operation);
        }

        var done = RedisFailures.OwnedAnswer(result, key);
        if (replicate && _replicas is not null)
        {
            await _replicas.WaitAsync(keys[0], operation).ConfigureAwait(false);
        }

        return done;
    }

    // The server rejects NX together with GET (before Redis 7.0: "syntax error"), or the client refuses to send it.
    private static bool IsSetIfAbsentAndGetUnsupported(Exception exception) => exception switch
    {
        RedisServerException server => server.Message.Contains("syntax error", StringComparison.OrdinalIgnoreCase),
        RedisCommandException or NotSupportedException => true,
        _ => false,
    };

    private RedisKey RedisKeyOf(string key) => _instanceName.Length == 0 ? key : string.Concat(_instanceName, key);
}
