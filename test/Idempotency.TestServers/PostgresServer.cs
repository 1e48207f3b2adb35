using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit;

namespace Idempotency.TestServers;

/// <summary>
/// A throw-away PostgreSQL 15 server on a free loopback port: <c>initdb</c> into a temporary directory (trust
/// authentication, fsync off), <c>postgres</c> on 127.0.0.1, one database. Usable as an xunit collection fixture and from
/// benchmarks. <see cref="StopAsync"/> and <see cref="StartAgainAsync"/> keep the data directory and the port, for outage
/// and restart-durability tests.
/// </summary>
/// <remarks>When the tests run as root the server runs as the unprivileged account <c>idemtest</c> (PostgreSQL refuses root).</remarks>
public sealed class PostgresServer : IAsyncLifetime, IAsyncDisposable
{
    public const string DatabaseName = "idempotency";
    public const string UserName = "postgres";
    private const string InstallHint = "Debian/Ubuntu: sudo apt-get install -y postgresql-15";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly ConcurrentQueue<string> _log = new();
    private string? _binDirectory;
    private string? _root;
    private Process? _postgres;

    /// <summary>
    /// Gets extra server settings (<c>name=value</c>, passed as <c>-c</c>) on top of the test ones: loopback only, fsync
    /// and full-page writes off (nothing here must survive a machine crash), 300 connections.
    /// </summary>
    public IReadOnlyList<string> Settings { get; init; } = [];

    /// <summary>Gets the TCP port (fixed for the server's lifetime, restarts included).</summary>
    public int Port { get; private set; }

    /// <summary>Gets the Npgsql connection string of the test database.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username={UserName};Database={DatabaseName}";

    /// <summary>Gets whether the server is running.</summary>
    public bool IsRunning => _postgres is { HasExited: false };

    /// <summary>Returns the connection string with extra settings, e.g. <c>Timeout=2;Command Timeout=2</c>.</summary>
    public string ConnectionStringWith(string extra) => ConnectionString + ";" + extra;

    /// <summary>Creates the cluster, starts the server and creates the database.</summary>
    public async Task InitializeAsync()
    {
        _binDirectory = Path.GetDirectoryName(ServerBinary.Find(
            InstallHint,
            Path.Combine(Environment.GetEnvironmentVariable("IDEMPOTENCY_PG_BIN") ?? "/usr/lib/postgresql/15/bin", "postgres"),
            "/usr/lib/postgresql/15/bin/postgres",
            "/usr/pgsql-15/bin/postgres",
            "/opt/homebrew/opt/postgresql@15/bin/postgres",
            "/usr/local/opt/postgresql@15/bin/postgres"))!;
        if (!File.Exists(Tool("initdb")))
        {
            throw new InvalidOperationException($"initdb was not found next to {Tool("postgres")}. Install PostgreSQL 15 ({InstallHint}) or run ./eng/test.sh.");
        }

        // Short path: the Unix socket lives here too, and socket paths are limited to ~100 bytes.
        _root = Path.Combine(Path.GetTempPath(), "idem-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_root);
        await PostgresAccount.GiveDirectoryAsync(_root);
        await ToolProcess.RunAsync(
            PostgresAccount.StartInfo(Tool("initdb"), ["-D", DataDirectory, "-U", UserName, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"]),
            TimeSpan.FromMinutes(2));
        Port = LoopbackPort.GetFree();
        await StartAsync();
        await ToolProcess.RunAsync(
            new ProcessStartInfo(Tool("createdb"), ["-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", UserName, DatabaseName]),
            TimeSpan.FromSeconds(30));
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
    }

    /// <summary>Stops the server (fast shutdown: sessions are cut, data is kept).</summary>
    public async Task StopAsync()
    {
        if (!IsRunning)
        {
            return;
        }

        await ToolProcess.RunAsync(PostgresAccount.StartInfo(Tool("pg_ctl"), ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "60"]), TimeSpan.FromSeconds(90));
        await _postgres!.WaitForExitAsync();
        _postgres.Dispose();
        _postgres = null;
    }

    /// <summary>Starts the stopped server again on the same port with the same data.</summary>
    public Task StartAgainAsync() => IsRunning ? Task.CompletedTask : StartAsync();

    /// <summary>
    /// Freezes the server and all its backends (SIGSTOP): connections stay open but nothing answers, so clients run into
    /// their timeouts, as with a hung server or a network partition. <see cref="ResumeAsync"/> thaws them.
    /// </summary>
    public Task PauseAsync() => SignalClusterAsync("STOP");

    /// <summary>Thaws the server frozen by <see cref="PauseAsync"/> (SIGCONT).</summary>
    public Task ResumeAsync() => SignalClusterAsync("CONT");

    /// <summary>The last lines the server logged, for failure messages.</summary>
    public string RecentLog() => string.Join(Environment.NewLine, _log.TakeLast(40));

    public async Task DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        try
        {
            await StopAsync();
        }
        catch (Exception) when (_postgres is not null)
        {
            _postgres.Kill();
        }

        if (_root is not null && Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    private string DataDirectory => Path.Combine(_root!, "data");

    private string Tool(string name) => Path.Combine(_binDirectory!, name);

    private async Task StartAsync()
    {
        var arguments = new List<string> { "-D", DataDirectory, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-k", _root! };
        foreach (var setting in (string[])["listen_addresses=127.0.0.1", "fsync=off", "full_page_writes=off", "max_connections=300", .. Settings])
        {
            arguments.Add("-c");
            arguments.Add(setting);
        }

        var postgres = Process.Start(PostgresAccount.StartInfo(Tool("postgres"), arguments))
            ?? throw new InvalidOperationException("Could not start postgres.");
        postgres.OutputDataReceived += (_, e) => Remember(e.Data);
        postgres.ErrorDataReceived += (_, e) => Remember(e.Data);
        postgres.BeginOutputReadLine();
        postgres.BeginErrorReadLine();
        _postgres = postgres;

        var deadline = Stopwatch.StartNew();
        var isReady = new ProcessStartInfo(Tool("pg_isready"), ["-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", UserName, "-d", "postgres"]);
        while (!await ToolProcess.SucceedsAsync(isReady, TimeSpan.FromSeconds(10)))
        {
            if (postgres.HasExited || deadline.Elapsed > StartTimeout)
            {
                throw new InvalidOperationException($"PostgreSQL did not start on port {Port} (exited: {postgres.HasExited}). Log:{Environment.NewLine}{RecentLog()}");
            }

            await Task.Delay(100);
        }
    }

    // The postmaster first (so it forks nothing more), then its children, each by process id.
    private async Task SignalClusterAsync(string signal)
    {
        if (!IsRunning)
        {
            throw new InvalidOperationException("The server is not running.");
        }

        var postmaster = _postgres!.Id;
        var pids = new List<int> { postmaster };
        foreach (var stat in Directory.EnumerateDirectories("/proc").Where(d => Path.GetFileName(d).All(char.IsAsciiDigit)).Select(d => Path.Combine(d, "stat")))
        {
            try
            {
                // pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'.
                var text = await File.ReadAllTextAsync(stat);
                var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) == postmaster)
                {
                    pids.Add(int.Parse(text[..text.IndexOf(' ')], System.Globalization.CultureInfo.InvariantCulture));
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked, or is not ours to read.
            }
        }

        if (signal == "CONT")
        {
            pids.Reverse();
        }

        await ToolProcess.RunAsync(new ProcessStartInfo("kill", ["-" + signal, .. pids.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture))]), TimeSpan.FromSeconds(30));
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        _log.Enqueue(line);
        while (_log.Count > 200 && _log.TryDequeue(out _))
        {
        }
    }

    private void KillOnExit(object? sender, EventArgs e)
    {
        try
        {
            _postgres?.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
