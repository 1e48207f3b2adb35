using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Idempotency.StackExchangeRedis;

/// <summary>
/// Knows whether the Redis primaries may evict records (<see cref="RedisEvictionCheck"/>): reads their policy before the
/// first claim and at every health check, warns once per change of finding (Warn) or holds claims back until the
/// servers are safe (Refuse). Claims read one volatile flag once the question is settled.
/// </summary>
internal sealed class RedisEvictionGuard
{
    private const int NotLogged = 0;
    private const int LoggedEvicting = 1;
    private const int LoggedUnreadable = 2;

    private readonly IConnectionMultiplexer _multiplexer;
    private readonly RedisEvictionCheck _mode;
    private readonly ILogger _logger;
    private volatile bool _claimsCleared;
    private int _logged = NotLogged;

    public RedisEvictionGuard(IConnectionMultiplexer multiplexer, RedisEvictionCheck mode, ILogger logger)
    {
        _multiplexer = multiplexer;
        _mode = mode;
        _logger = logger;
        _claimsCleared = mode == RedisEvictionCheck.Allow;
    }

    /// <summary>Gets a value indicating whether claims go ahead without a check: eviction allowed, or the question settled.</summary>
    public bool ClaimsCleared => _claimsCleared;

    /// <summary>Reads the policy before a claim; in Refuse mode throws unless every primary is safe.</summary>
    public async ValueTask BeforeClaimAsync()
    {
        RedisEvictionFinding finding;
        try
        {
            finding = await FindAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsBackendFailure(ex) || ex is IdempotencyStoreUnavailableException)
        {
            // Not read this time: Warn lets the claim meet the outage itself, Refuse fails closed. Both read again next claim.
            if (_mode == RedisEvictionCheck.Refuse)
            {
                throw ex as IdempotencyStoreUnavailableException ?? RedisFailures.Unavailable(ex, "the eviction policy check");
            }

            return;
        }

        Settle(finding);
        if (_mode == RedisEvictionCheck.Refuse && !finding.IsSafe)
        {
            throw new IdempotencyStoreMisconfiguredException(finding.Describe(_mode));
        }
    }

    /// <summary>Reads the policy now, for the store health check; connection failures propagate (the check reports them).</summary>
    public async ValueTask<HealthCheckResult> CheckAsync()
    {
        if (_mode == RedisEvictionCheck.Allow)
        {
            return HealthCheckResult.Healthy("Redis answered; eviction is allowed (RedisStoreOptions.EvictionCheck = Allow), so the policy is not checked.");
        }

        var finding = await FindAsync().ConfigureAwait(false);
        Settle(finding);
        var description = finding.Describe(_mode);
        return finding.IsSafe ? HealthCheckResult.Healthy(description)
            : _mode == RedisEvictionCheck.Refuse ? HealthCheckResult.Unhealthy(description)
            : HealthCheckResult.Degraded(description);
    }

    // Only primaries evict (replicas ignore maxmemory by default and apply the primary's deletions); sentinels hold no data.
    private async Task<RedisEvictionFinding> FindAsync()
    {
        var primaries = _multiplexer.GetServers().Where(static s => s.IsConnected && !s.IsReplica && s.ServerType != ServerType.Sentinel).ToList();
        if (primaries.Count == 0)
        {
            throw new IdempotencyStoreUnavailableException("No Redis primary is connected to read the eviction policy from.");
        }

        return RedisEvictionFinding.Of(await Task.WhenAll(primaries.Select(RedisMemoryPolicy.ReadAsync)).ConfigureAwait(false));
    }

    // Warn: once read, claims never wait for another check (a later health check still reports and logs a change).
    // Refuse: only a safe finding clears claims, and a health check that finds the servers unsafe again holds them back.
    private void Settle(RedisEvictionFinding finding)
    {
        _claimsCleared = _mode == RedisEvictionCheck.Warn || finding.IsSafe;
        if (_mode != RedisEvictionCheck.Warn)
        {
            // Refuse: the refused claims say it, and the engine logs them once a minute.
            return;
        }

        var now = finding.Evicting.Length > 0 ? LoggedEvicting : finding.Unreadable.Length > 0 ? LoggedUnreadable : NotLogged;
        if (Interlocked.Exchange(ref _logged, now) == now)
        {
            return;
        }

        if (now == LoggedEvicting)
        {
            Log.EvictionPossible(_logger, finding.Evicting);
        }
        else if (now == LoggedUnreadable)
        {
            Log.EvictionPolicyUnknown(_logger, finding.Unreadable);
        }
    }
}
