using System.Diagnostics;
using System.Globalization;

namespace Idempotency.TestServers;

/// <summary>Runs <c>redis-cli</c> against a loopback server and returns what it printed (the cluster fixture's admin tool).</summary>
internal static class RedisCli
{
    private const string InstallHint = "Debian/Ubuntu: sudo apt-get install -y redis-tools (comes with redis-server)";
    private static readonly Lazy<string> Binary = new(() => ServerBinary.Find(InstallHint, "/usr/bin/redis-cli", "/usr/local/bin/redis-cli", "redis-cli"));

    /// <summary>Runs one command on 127.0.0.1:<paramref name="port"/>; throws when redis-cli fails or takes longer than <paramref name="timeout"/>.</summary>
    /// <remarks>A command the server refuses is not a failure of redis-cli: its error is in the output.</remarks>
    public static Task<string> RunAsync(int port, TimeSpan timeout, params string[] arguments) =>
        ToolProcess.RunAsync(new ProcessStartInfo(Binary.Value, ["-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), .. arguments]), timeout);
}
