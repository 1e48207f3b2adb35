using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace Idempotency.TestServers;

/// <summary>
/// A real RabbitMQ node (Debian package <c>rabbitmq-server</c>) on free loopback ports, with its own node name, data,
/// logs, configuration and Erlang cookie in a temporary directory, for tests (as an xunit collection fixture: it takes
/// 5-20 s to boot) and benchmarks. Runs as the unprivileged account <c>idemtest</c> when the tests run as root.
/// </summary>
/// <remarks>
/// The node runs in a session of its own, so stopping it signals the whole process group (the start script and the
/// Erlang VM); a watchdog in that group kills it if the test process dies without disposing the fixture. epmd, which
/// the VM starts as a daemon, is shared by every Erlang node on the machine and is left running.
/// </remarks>
public sealed class RabbitMqServer : IAsyncLifetime
{
    private const string InstallHint = "Debian/Ubuntu: sudo apt-get install -y rabbitmq-server";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private readonly ConcurrentQueue<string> _log = new();
    private string? _root;
    private Process? _process;

    /// <summary>Gets the AMQP port (127.0.0.1).</summary>
    public int Port { get; private set; }

    /// <summary>Gets the Erlang node name, <c>idemtest-&lt;port&gt;@localhost</c>.</summary>
    public string NodeName => $"idemtest-{Port}@localhost";

    /// <summary>Gets the AMQP URI of the default virtual host, as the default <c>guest</c> user (allowed on loopback).</summary>
    public Uri AmqpUri => new($"amqp://guest:guest@127.0.0.1:{Port}/");

    /// <summary>The last lines the node printed, for failure messages.</summary>
    public string RecentLog() => string.Join(Environment.NewLine, _log.TakeLast(40));

    /// <summary>Finds <c>rabbitmq-server</c> (failing with an install hint when it is missing), starts a node and waits until it speaks AMQP.</summary>
    public async Task InitializeAsync()
    {
        // The package's /usr/sbin/rabbitmq-server switches to the rabbitmq account and its system folders: use the real script.
        var server = ServerBinary.Find(InstallHint, "/usr/lib/rabbitmq/bin/rabbitmq-server", "/usr/local/opt/rabbitmq/sbin/rabbitmq-server", "/opt/homebrew/opt/rabbitmq/sbin/rabbitmq-server");
        var setsid = ServerBinary.Find("apt-get install -y util-linux", "setsid");

        // The port is free when asked but could be taken before the node binds it: try a few.
        for (var attempt = 1; ; attempt++)
        {
            Port = LoopbackPort.GetFree();
            try
            {
                await StartAsync(server, setsid, distributionPort: LoopbackPort.GetFree());
                return;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                await StopAsync();
            }
        }
    }

    /// <summary>Stops the node and deletes its directory.</summary>
    public async Task DisposeAsync()
    {
        await StopAsync();
        if (_root is not null && Directory.Exists(_root))
        {
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp directory is harmless.
            }
        }
    }

    private async Task StartAsync(string server, string setsid, int distributionPort)
    {
        _root = Path.Combine(Path.GetTempPath(), "idem-rmq-" + Guid.NewGuid().ToString("N")[..12]);
        foreach (var folder in (string[])["home", "mnesia", "log"])
        {
            Directory.CreateDirectory(Path.Combine(_root, folder));
        }

        // Loopback only; logs on the console (kept for failure messages); a nearly full /tmp must not block publishers.
        await File.WriteAllTextAsync(Path.Combine(_root, "rabbitmq.conf"), $"""
            listeners.tcp.1 = 127.0.0.1:{Port}
            log.console = true
            log.console.level = warning
            log.file = false
            disk_free_limit.absolute = 1MB

            """);
        await File.WriteAllTextAsync(Path.Combine(_root, "enabled_plugins"), "[].\n");
        await File.WriteAllTextAsync(Path.Combine(_root, "rabbitmq-env.conf"), string.Empty);
        await PostgresAccount.GiveDirectoryAsync(_root);

        // The shell leads a new session (setsid), so its pid is the group every process of the node belongs to.
        const string Watchdog = """
            "$0" &
            child=$!
            while [ -d "/proc/$PARENT_PID" ] && kill -0 "$child" 2>/dev/null; do sleep 1; done
            kill -9 0
            """;
        var start = PostgresAccount.StartInfo(setsid, ["/bin/sh", "-c", Watchdog, server]);
        start.WorkingDirectory = _root;
        var environment = new Dictionary<string, string>
        {
            ["PARENT_PID"] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            ["HOME"] = Path.Combine(_root, "home"), // the Erlang cookie is written here
            ["RABBITMQ_NODENAME"] = NodeName,
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = Port.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_DIST_PORT"] = distributionPort.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(_root, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(_root, "log"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(_root, "rabbitmq.conf"),
            ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(_root, "advanced.config"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_root, "enabled_plugins"),
            ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(_root, "rabbitmq-env.conf"),
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("rabbitmq-server did not start.");
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"rabbitmq-server exited with code {process.ExitCode} before accepting AMQP on {Port}. Log:{Environment.NewLine}{RecentLog()}");
            }

            if (await SpeaksAmqpAsync(Port))
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"RabbitMQ did not accept AMQP connections on 127.0.0.1:{Port} within {StartTimeout}. Log:{Environment.NewLine}{RecentLog()}");
    }

    // TERM to the whole group: the start script and the VM both shut the node down cleanly (about a second); KILL after a timeout.
    private async Task StopAsync()
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        var group = process.Id;
        await SignalGroupAsync("TERM", group);
        var waited = Stopwatch.StartNew();
        while (GroupIsAlive(group) && waited.Elapsed < StopTimeout)
        {
            await Task.Delay(100);
        }

        if (GroupIsAlive(group))
        {
            await SignalGroupAsync("KILL", group);
        }

        process.Dispose();
    }

    private static async Task SignalGroupAsync(string signal, int group)
    {
        await ToolProcess.RunAsync(new ProcessStartInfo("kill", ["-" + signal, "--", "-" + group.ToString(CultureInfo.InvariantCulture)]), TimeSpan.FromSeconds(10), throwOnFailure: false);
    }

    private static bool GroupIsAlive(int group)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc").Where(d => Path.GetFileName(d).All(char.IsAsciiDigit)))
        {
            try
            {
                // pid (comm) state ppid pgrp ...: comm may hold spaces, so read after the last ')'.
                var text = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] != "Z" && int.Parse(fields[2], CultureInfo.InvariantCulture) == group)
                {
                    return true;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }

        return false;
    }

    /// <summary>Sends the AMQP 0-9-1 protocol header; a node that is up answers with a method frame (connection.start).</summary>
    private static async Task<bool> SpeaksAmqpAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("AMQP\0\0\u0009\u0001"u8.ToArray(), timeout.Token);
            var frame = new byte[1];
            return await stream.ReadAsync(frame, timeout.Token) == 1 && frame[0] == 1;
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
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
}
