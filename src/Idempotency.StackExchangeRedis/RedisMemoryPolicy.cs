using System.Globalization;
using StackExchange.Redis;

namespace Idempotency.StackExchangeRedis;

/// <summary>
/// What one Redis primary does when it runs out of memory, read with <c>CONFIG GET</c> or, when the client or the
/// server refuses CONFIG (no admin mode, a renamed or disabled command, an ACL), from <c>INFO memory</c> inside a
/// script, which needs no admin mode.
/// </summary>
/// <param name="Server">The server's endpoint.</param>
/// <param name="MaxMemory">The memory limit in bytes; 0 is no limit.</param>
/// <param name="Policy">The <c>maxmemory-policy</c>, or <see langword="null"/> when the server answered neither way.</param>
/// <param name="Unreadable">Why the policy could not be read, when it could not.</param>
internal sealed record RedisMemoryPolicy(string Server, long MaxMemory, string? Policy, string? Unreadable)
{
    private const string InfoScript = "return redis.call('INFO', 'memory')";

    /// <summary>Gets a value indicating whether the server drops keys when full: any policy but noeviction, under a limit.</summary>
    public bool MayEvict => Policy is not null && MaxMemory > 0 && !string.Equals(Policy, "noeviction", StringComparison.OrdinalIgnoreCase);

    public bool IsKnown => Policy is not null;

    /// <summary>Reads the policy. Connection failures and timeouts propagate: the caller checks again later.</summary>
    public static async Task<RedisMemoryPolicy> ReadAsync(IServer server)
    {
        var name = server.EndPoint.ToString() ?? "Redis";
        string configRefusal;
        try
        {
            var settings = (await server.ConfigGetAsync("maxmemory*").ConfigureAwait(false)).ToDictionary(StringComparer.OrdinalIgnoreCase);
            if (Parse(name, settings.GetValueOrDefault("maxmemory"), settings.GetValueOrDefault("maxmemory-policy")) is { } fromConfig)
            {
                return fromConfig;
            }

            configRefusal = "CONFIG GET did not return maxmemory and maxmemory-policy";
        }
        catch (Exception ex) when (IsRefusal(ex))
        {
            configRefusal = ex.Message;
        }

        try
        {
            var info = (string?)await server.ExecuteAsync("EVAL", InfoScript, 0).ConfigureAwait(false) ?? string.Empty;
            var fields = info.Split('\n', StringSplitOptions.TrimEntries)
                .Select(static line => line.Split(':', 2))
                .Where(static pair => pair.Length == 2)
                .ToDictionary(static pair => pair[0], static pair => pair[1], StringComparer.OrdinalIgnoreCase);
            return Parse(name, fields.GetValueOrDefault("maxmemory"), fields.GetValueOrDefault("maxmemory_policy"))
                ?? new RedisMemoryPolicy(name, 0, null, $"{configRefusal}; INFO memory did not show maxmemory and maxmemory_policy");
        }
        catch (Exception ex) when (IsRefusal(ex))
        {
            return new RedisMemoryPolicy(name, 0, null, $"{configRefusal}; {ex.Message}");
        }
    }

    public override string ToString() => IsKnown
        ? string.Create(CultureInfo.InvariantCulture, $"{Server}: maxmemory {MaxMemory} bytes, maxmemory-policy {Policy}")
        : $"{Server}: {Unreadable}";

    // The client refuses (no admin mode, command not in its map) or the server does (renamed, disabled, ACL, no scripting).
    private static bool IsRefusal(Exception exception) => exception is RedisCommandException or RedisServerException;

    private static RedisMemoryPolicy? Parse(string server, string? maxMemory, string? policy) =>
        long.TryParse(maxMemory, NumberStyles.Integer, CultureInfo.InvariantCulture, out var bytes) && !string.IsNullOrEmpty(policy)
            ? new RedisMemoryPolicy(server, bytes, policy, null)
            : null;
}
