using System.Diagnostics;
using Xunit;

namespace Idempotency.TestServers;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port with its own temp directory and no persistence (unless
/// <see cref="AppendOnly"/>), for tests (as an xunit class or collection fixture) and benchmarks. It can be stopped and
/// started again on the same port to simulate an outage. A watchdog shell kills the server if this process dies without
/// disposing the fixture.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private const string InstallHint = "Debian/Ubuntu: sudo apt-get install -y redis-server";
    private readonly ServerOutput _output = new();
    private string? _binary;
    private string? _directory;
    private Process? _process;

    /// <summary>
    /// Gets whether the server keeps an append-only file written before every reply (<c>appendonly yes</c>,
    /// <c>appendfsync always</c>), so its records survive <see cref="StopAsync"/> and <see cref="StartAgainAsync"/> as
    /// with a durable production Redis. Off by default: the server is empty after every restart.
    /// </summary>
    public bool AppendOnly { get; init; }

    /// <summary>
    /// Gets extra command-line arguments for <c>redis-server</c>, after the test ones, e.g.
    /// <c>["--maxmemory", "10mb", "--maxmemory-policy", "allkeys-lru"]</c>.
    /// </summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>Gets the port the server listens on (127.0.0.1).</summary>
    public int Port { get; private set; }

    /// <summary>Gets the StackExchange.Redis connection string of the server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>Gets whether the server is running (started and neither stopped nor exited).</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Gets the server's own output so far (for failure messages).</summary>
    public string Output => _output.ToString();

    /// <summary>Finds <c>redis-server</c> (failing with an install hint when it is missing) and starts it.</summary>
    public async Task InitializeAsync()
    {
        _binary = ServerBinary.Find(InstallHint, "/usr/bin/redis-server", "/usr/local/bin/redis-server", "redis-server");
        _directory = Directory.CreateTempSubdirectory("idem-redis-").FullName;

        // The port is free when asked but could be taken before the server binds it: try a few.
        for (var attempt = 1; ; attempt++)
        {
            Port = LoopbackPort.GetFree();
            try
            {
                await StartAsync();
                return;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                await StopAsync();
            }
        }
    }

    /// <summary>Kills the server (like a crash: nothing is saved but what <see cref="AppendOnly"/> already wrote). The port stays reserved for <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync()
    {
        var process = _process;
        _process = null;
        await WatchedProcess.KillAsync(process);
    }

    /// <summary>Starts the server again on the same port, empty (unless <see cref="AppendOnly"/>), after <see cref="StopAsync"/>.</summary>
    public Task StartAgainAsync() => _process is null
        ? StartAsync()
        : throw new InvalidOperationException("The Redis server is running; stop it first.");

    /// <summary>Kills the server and deletes its directory.</summary>
    public async Task DisposeAsync()
    {
        await StopAsync();
        WatchedProcess.DeleteDirectory(_directory);
    }

    private async Task StartAsync()
    {
        var process = WatchedProcess.Start(
            _binary!,
            [
                "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--bind", "127.0.0.1",
                "--dir", _directory!,
                "--save", string.Empty,
                "--appendonly", AppendOnly ? "yes" : "no",
                "--appendfsync", "always",
                "--daemonize", "no",
                "--protected-mode", "no",
                "--loglevel", "warning",
                .. ExtraArguments,
            ],
            _directory!,
            _output.Append);
        _process = process;

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {process.ExitCode} before listening on {Port}. Output:\n{Output}");
            }

            if (await RedisPing.IsReadyAsync(Port))
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"redis-server did not answer PING on 127.0.0.1:{Port} within 20 s. Output:\n{Output}");
    }
}
