using System.Diagnostics;
using System.Globalization;
using Xunit;

namespace Idempotency.TestServers;

/// <summary>
/// A real <c>nats-server</c> with JetStream (<c>-js</c>) on a free loopback port, its store in a temp directory, for tests
/// (as an xunit class or collection fixture). nats-server runs as root without complaint, so unlike PostgreSQL it is not
/// moved to the unprivileged account. A watchdog shell kills it if this process dies without disposing the fixture.
/// </summary>
public sealed class NatsServer : IAsyncLifetime
{
    private const string InstallHint = "Debian/Ubuntu: sudo apt-get install -y nats-server";
    private readonly ServerOutput _output = new();
    private string? _directory;
    private Process? _process;

    /// <summary>Gets the port the server listens on (127.0.0.1).</summary>
    public int Port { get; private set; }

    /// <summary>Gets the NATS URL of the server.</summary>
    public string Url => string.Create(CultureInfo.InvariantCulture, $"nats://127.0.0.1:{Port}");

    /// <summary>Gets the server's own output so far (for failure messages).</summary>
    public string Output => _output.ToString();

    /// <summary>Finds <c>nats-server</c> (failing with an install hint when it is missing) and starts it.</summary>
    public async Task InitializeAsync()
    {
        var binary = ServerBinary.Find(InstallHint, "/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server", "nats-server");
        _directory = Directory.CreateTempSubdirectory("idem-nats-").FullName;

        // The port is free when asked but could be taken before the server binds it: try a few.
        for (var attempt = 1; ; attempt++)
        {
            Port = LoopbackPort.GetFree();
            var process = WatchedProcess.Start(
                binary,
                ["-js", "-a", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-sd", _directory],
                _directory,
                _output.Append);
            _process = process;
            try
            {
                await LoopbackPort.WaitUntilListeningAsync(Port, TimeSpan.FromSeconds(20), () => $"nats-server output:\n{Output}");
                if (!process.HasExited)
                {
                    return;
                }
            }
            catch (TimeoutException) when (attempt < 3)
            {
            }

            _process = null;
            await WatchedProcess.KillAsync(process);
            if (attempt >= 3)
            {
                throw new InvalidOperationException($"nats-server did not start on 127.0.0.1:{Port}. Output:\n{Output}");
            }
        }
    }

    /// <summary>Kills the server and deletes its directory.</summary>
    public async Task DisposeAsync()
    {
        var process = _process;
        _process = null;
        await WatchedProcess.KillAsync(process);
        WatchedProcess.DeleteDirectory(_directory);
    }
}
