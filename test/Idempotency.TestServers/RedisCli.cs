using System.Diagnostics;
using System.Globalization;

namespace Idempotency.TestServers;

/// <summary>Runs <c>redis-cli</c> against a loopback server and returns what it printed (the cluster fixture's admin tool).</summary>
internal static class RedisCli
{
    private const string InstallHint = "Debian/Ubuntu: sudo apt-get install -y redis-tools (comes with redis-server)";
    private static readonly Lazy<string> Binary = new(() => ServerBinary.Find(InstallHint, "/usr/bin/redis-cli", "/usr/local/bin/redis-cli", "redis-cli"));

    /// <summary>Runs one command on 127.0.0.1:<paramref name="port"/>; throws when redis-cli fails or takes longer than <paramref name="timeout"/>.</summary>
    public static async Task<string> RunAsync(int port, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo(Binary.Value)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("redis-cli did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"redis-cli {string.Join(' ', arguments)} on port {port} did not finish within {timeout}.");
        }

        return process.ExitCode == 0
            ? await output
            : throw new InvalidOperationException($"redis-cli {string.Join(' ', arguments)} on port {port} exited with {process.ExitCode}: {await output}{await error}");
    }
}
