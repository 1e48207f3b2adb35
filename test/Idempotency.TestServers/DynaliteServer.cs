using System.Globalization;
using Xunit;

namespace Idempotency.TestServers;

/// <summary>
/// A real <c>dynalite</c> (a DynamoDB-compatible server on Node.js, from npm) on a free loopback port, in-memory, for
/// tests (as an xunit class or collection fixture) and benchmarks. It can be stopped and started again on the same port
/// (empty) to simulate an outage. A watchdog shell kills the server if this process dies without disposing the fixture.
/// </summary>
public sealed class DynaliteServer : IAsyncLifetime
{
    private const string InstallHint = "npm install -g dynalite (Node.js 18 or later; ./eng/test.sh does it)";
    private readonly ServerOutput _output = new();
    private string? _binary;
    private string? _directory;
    private System.Diagnostics.Process? _process;

    /// <summary>Gets the port the server listens on (127.0.0.1).</summary>
    public int Port { get; private set; }

    /// <summary>Gets the endpoint to give the SDK as its <c>ServiceURL</c>.</summary>
    public string ServiceUrl => $"http://127.0.0.1:{Port}";

    /// <summary>Gets the server's own output so far (for failure messages).</summary>
    public string Output => _output.ToString();

    /// <summary>Finds <c>dynalite</c> (failing with an install hint when it is missing) and starts it.</summary>
    public async Task InitializeAsync()
    {
        _binary = ServerBinary.Find(InstallHint, "dynalite", "/usr/local/bin/dynalite", "/usr/bin/dynalite");
        _directory = Directory.CreateTempSubdirectory("idem-dynalite-").FullName;

        // The port is free when asked but could be taken before the server binds it: try a few.
        for (var attempt = 1; ; attempt++)
        {
            Port = LoopbackPort.GetFree();
            try
            {
                await StartAsync();
                return;
            }
            catch (Exception ex) when (attempt < 3 && ex is InvalidOperationException or TimeoutException)
            {
                await StopAsync();
            }
        }
    }

    /// <summary>Kills the server (like a crash: everything it held is gone). The port stays reserved for <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync()
    {
        var process = _process;
        _process = null;
        await WatchedProcess.KillAsync(process);
    }

    /// <summary>Starts the server again on the same port, empty, after <see cref="StopAsync"/>.</summary>
    public Task StartAgainAsync() => _process is null
        ? StartAsync()
        : throw new InvalidOperationException("dynalite is running; stop it first.");

    /// <summary>Kills the server and deletes its directory.</summary>
    public async Task DisposeAsync()
    {
        await StopAsync();
        WatchedProcess.DeleteDirectory(_directory);
    }

    private async Task StartAsync()
    {
        // In-memory (no --path); tables become ACTIVE at once instead of after dynalite's default 500 ms.
        var process = WatchedProcess.Start(
            _binary!,
            [
                "--host", "127.0.0.1",
                "--port", Port.ToString(CultureInfo.InvariantCulture),
                "--createTableMs", "0",
                "--deleteTableMs", "0",
                "--updateTableMs", "0",
            ],
            _directory!,
            _output.Append);
        _process = process;
        await LoopbackPort.WaitUntilListeningAsync(Port, TimeSpan.FromSeconds(20), () => process.HasExited
            ? $"dynalite exited with code {process.ExitCode}. Output:\n{Output}"
            : $"Output:\n{Output}");
    }
}
