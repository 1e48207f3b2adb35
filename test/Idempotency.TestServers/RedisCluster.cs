using System.Diagnostics;
using System.Globalization;
using Xunit;

namespace Idempotency.TestServers;

/// <summary>
/// A real Redis Cluster on loopback: <see cref="Primaries"/> primaries with <see cref="ReplicasPerPrimary"/> replicas each,
/// every node a <see cref="RedisServer"/> (so each has its own port, temp directory and watchdog, and dies with the test
/// process) started with <c>--cluster-enabled yes</c>, joined with <c>redis-cli --cluster create</c>. Nodes can be killed
/// (a crash), restarted (they rejoin as replicas), and failed over by hand, for failover tests.
/// </summary>
/// <remarks>
/// The cluster bus port of each node is a second free port (<c>--cluster-port</c>): the default, port + 10000, can be
/// above 65535 for the ephemeral ports the OS hands out. Replicas sync at once (<c>repl-diskless-sync-delay 0</c>) so a
/// restarted node is a usable replica within a second. Nodes keep nothing on disk but <c>nodes.conf</c>. <c>DEBUG</c> is
/// allowed from loopback, so a test can stall a node (<c>DEBUG SLEEP</c>).
/// </remarks>
public sealed class RedisCluster : IAsyncLifetime
{
    private static readonly TimeSpan CliTimeout = TimeSpan.FromSeconds(30);
    private readonly List<RedisServer> _servers = [];

    /// <summary>Gets the number of primaries (each serves an equal share of the 16384 hash slots).</summary>
    /// <value>The default value is 3, the smallest cluster <c>redis-cli --cluster create</c> accepts.</value>
    public int Primaries { get; init; } = 3;

    /// <summary>Gets the number of replicas of each primary.</summary>
    /// <value>The default value is 1.</value>
    public int ReplicasPerPrimary { get; init; } = 1;

    /// <summary>
    /// Gets <c>cluster-node-timeout</c>: how long a node may not answer before the others count it failed; a killed
    /// primary's replica takes over about one to two of these later.
    /// </summary>
    /// <value>The default value is 2 seconds (production default: 15), short for tests but long enough for a busy 2-core machine.</value>
    public TimeSpan NodeTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets the nodes (in creation order: the first <see cref="Primaries"/> start as primaries).</summary>
    public IReadOnlyList<RedisServer> Servers => _servers;

    /// <summary>Gets the StackExchange.Redis connection string naming every node.</summary>
    public string ConnectionString => string.Join(',', _servers.Select(static server => server.ConnectionString));

    /// <summary>Starts the nodes, creates the cluster and waits until it serves every slot with every replica in sync.</summary>
    public async Task InitializeAsync()
    {
        for (var i = 0; i < Primaries * (1 + ReplicasPerPrimary); i++)
        {
            _servers.Add(new RedisServer
            {
                ExtraArguments =
                [
                    "--cluster-enabled", "yes",
                    "--cluster-config-file", "nodes.conf",
                    "--cluster-port", LoopbackPort.GetFree().ToString(CultureInfo.InvariantCulture),
                    "--cluster-node-timeout", ((long)NodeTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
                    "--repl-diskless-sync-delay", "0",
                    "--enable-debug-command", "local",
                ],
            });
        }

        await Task.WhenAll(_servers.Select(static server => server.InitializeAsync()));
        var created = await RedisCli.RunAsync(
            _servers[0].Port,
            CliTimeout,
            [
                "--cluster", "create",
                .. _servers.Select(static server => $"127.0.0.1:{server.Port}"),
                "--cluster-replicas", ReplicasPerPrimary.ToString(CultureInfo.InvariantCulture),
                "--cluster-yes",
            ]);
        if (!created.Contains("All 16384 slots covered", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"redis-cli --cluster create did not cover every slot:\n{created}");
        }

        await WaitUntilStableAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Kills every node and deletes their directories.</summary>
    public Task DisposeAsync() => Task.WhenAll(_servers.Select(static server => server.DisposeAsync()));

    /// <summary>Gets the node listening on <paramref name="port"/>.</summary>
    public RedisServer Server(int port) => _servers.Single(server => server.Port == port);

    /// <summary>Runs a command with <c>redis-cli</c> on the node at <paramref name="port"/> and returns its output.</summary>
    public Task<string> CommandAsync(int port, params string[] command) => RedisCli.RunAsync(Server(port).Port, CliTimeout, command);

    /// <summary>Gets the nodes as the first live node sees them (<c>CLUSTER NODES</c>).</summary>
    public async Task<IReadOnlyList<RedisClusterNode>> NodesAsync()
    {
        foreach (var server in _servers.Where(static server => server.IsRunning))
        {
            try
            {
                return RedisClusterNode.Parse(await CommandAsync(server.Port, "CLUSTER", "NODES"));
            }
            catch (InvalidOperationException)
            {
                // That node just went away: ask the next one.
            }
        }

        throw new InvalidOperationException("No node of the cluster is running.");
    }

    /// <summary>Gets the primary that serves <paramref name="slot"/> now.</summary>
    public async Task<RedisClusterNode> PrimaryOfAsync(int slot) =>
        (await NodesAsync()).Single(node => node.IsPrimary && !node.IsFailed && node.Serves(slot));

    /// <summary>Gets a replica of <paramref name="primary"/> that is running.</summary>
    public async Task<RedisClusterNode> ReplicaOfAsync(RedisClusterNode primary) =>
        (await NodesAsync()).First(node => node.PrimaryId == primary.Id && !node.IsFailed && Server(node.Port).IsRunning);

    /// <summary>
    /// Kills the node at <paramref name="port"/> (SIGKILL: whatever it had not sent its replicas is lost) and, when it was
    /// a primary, waits until one of its replicas serves its slots.
    /// </summary>
    /// <returns>The time from the kill until the cluster served every slot again.</returns>
    public async Task<TimeSpan> KillAsync(int port, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        await Server(port).StopAsync();
        await WaitUntilStableAsync(timeout);
        return watch.Elapsed;
    }

    /// <summary>Starts a killed node again; it rejoins as a replica (its primary was replaced) and syncs.</summary>
    public async Task RestartAsync(int port, TimeSpan timeout)
    {
        await Server(port).StartAgainAsync();
        await WaitUntilStableAsync(timeout);
    }

    /// <summary>
    /// Runs <c>CLUSTER FAILOVER</c> on the replica at <paramref name="replicaPort"/>: the coordinated hand-over, in which the
    /// primary stops taking writes until the replica has them all, so nothing acknowledged is lost.
    /// </summary>
    public async Task FailoverAsync(int replicaPort, TimeSpan timeout)
    {
        var answer = await CommandAsync(replicaPort, "CLUSTER", "FAILOVER");
        if (!answer.StartsWith("OK", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"CLUSTER FAILOVER on {replicaPort} answered: {answer}");
        }

        var watch = Stopwatch.StartNew();
        while ((await NodesAsync()).Single(node => node.Port == replicaPort) is { IsPrimary: false })
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"The replica at {replicaPort} was not promoted within {timeout}.");
            }

            await Task.Delay(50);
        }

        await WaitUntilStableAsync(timeout);
    }

    /// <summary>
    /// Waits until every running node says <c>cluster_state:ok</c> with all 16384 slots served, all of them agree who serves
    /// which slots, and every running replica's link to its primary is up.
    /// </summary>
    public async Task WaitUntilStableAsync(TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        var last = string.Empty;
        while (watch.Elapsed < timeout)
        {
            (var stable, last) = await IsStableAsync();
            if (stable)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The Redis Cluster was not stable within {timeout}: {last}\n{string.Join("\n", _servers.Select(static s => $"--- node {s.Port}:\n{s.Output}"))}");
    }

    private async Task<(bool Stable, string Reason)> IsStableAsync()
    {
        string? layout = null;
        foreach (var server in _servers.Where(static server => server.IsRunning))
        {
            try
            {
                var info = await CommandAsync(server.Port, "CLUSTER", "INFO");
                if (!info.Contains("cluster_state:ok", StringComparison.Ordinal) || !info.Contains("cluster_slots_ok:16384", StringComparison.Ordinal))
                {
                    return (false, $"node {server.Port}: {info}");
                }

                // Who serves which slots, and who replicates whom, as this node sees it: every node must see the same.
                var nodes = RedisClusterNode.Parse(await CommandAsync(server.Port, "CLUSTER", "NODES"));
                var ports = nodes.ToDictionary(static n => n.Id, static n => n.Port);
                var seen = string.Join(' ', nodes.Where(static n => n.IsPrimary && n.Slots.Count > 0).OrderBy(static n => n.Slots[0].First)
                    .Select(static n => $"{n.Port}:{string.Join(',', n.Slots.Select(static s => $"{s.First}-{s.Last}"))}")
                    .Concat(nodes.Where(n => !n.IsPrimary && Server(n.Port).IsRunning).OrderBy(static n => n.Port)
                        .Select(n => $"{n.Port}>{(n.PrimaryId is { } id && ports.TryGetValue(id, out var primary) ? primary : 0)}")));
                if (layout is not null && layout != seen)
                {
                    return (false, $"node {server.Port} sees {seen}, another node {layout}");
                }

                // A running node that neither serves slots nor replicates has not joined yet (just created or restarted).
                if (nodes.FirstOrDefault(n => Server(n.Port).IsRunning && n.IsPrimary && n.Slots.Count == 0) is { } idle)
                {
                    return (false, $"node {server.Port} sees {idle.Port} as a primary without slots");
                }

                layout = seen;
                if (nodes.FirstOrDefault(n => n.IsPrimary && n.Slots.Count > 0 && !Server(n.Port).IsRunning) is { } dead)
                {
                    return (false, $"node {server.Port} still sees the killed node {dead.Port} serving slots");
                }

                var replication = await CommandAsync(server.Port, "INFO", "replication");
                if (replication.Contains("role:slave", StringComparison.Ordinal) && !replication.Contains("master_link_status:up", StringComparison.Ordinal))
                {
                    return (false, $"replica {server.Port} is not in sync: {replication}");
                }
            }
            catch (InvalidOperationException ex)
            {
                return (false, ex.Message);
            }
        }

        return (true, string.Empty);
    }
}
