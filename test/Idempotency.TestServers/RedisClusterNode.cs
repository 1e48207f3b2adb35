using System.Globalization;

namespace Idempotency.TestServers;

/// <summary>One line of <c>CLUSTER NODES</c>: a node of a <see cref="RedisCluster"/> as one of its members sees it.</summary>
/// <param name="Id">The node id.</param>
/// <param name="Port">The client port on 127.0.0.1.</param>
/// <param name="IsPrimary">Whether the node is a primary (<c>master</c>).</param>
/// <param name="IsFailed">Whether the cluster agreed the node has failed (<c>fail</c>, not the unconfirmed <c>fail?</c>).</param>
/// <param name="PrimaryId">The id of the node's primary; <see langword="null"/> for a primary.</param>
/// <param name="Slots">The hash slot ranges the node serves (inclusive).</param>
public sealed record RedisClusterNode(string Id, int Port, bool IsPrimary, bool IsFailed, string? PrimaryId, IReadOnlyList<(int First, int Last)> Slots)
{
    /// <summary>Gets whether the node serves <paramref name="slot"/>.</summary>
    public bool Serves(int slot) => Slots.Any(range => range.First <= slot && slot <= range.Last);

    /// <summary>Reads the output of <c>CLUSTER NODES</c>.</summary>
    public static IReadOnlyList<RedisClusterNode> Parse(string clusterNodes) =>
        [.. clusterNodes.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseLine)];

    // <id> <ip:port@cport> <flags> <primary id or -> <ping-sent> <pong-recv> <config-epoch> <link-state> <slot>...
    // Slots are "n", "first-last", or "[n->-id]" / "[n-<-id]" while a slot migrates (skipped: the tests never migrate).
    private static RedisClusterNode ParseLine(string line)
    {
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var address = fields[1];
        var port = int.Parse(address[(address.LastIndexOf(':') + 1)..address.IndexOf('@', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
        var flags = fields[2].Split(',');
        var slots = fields.Skip(8).Where(static slot => !slot.StartsWith('[')).Select(static slot =>
        {
            var dash = slot.IndexOf('-', StringComparison.Ordinal);
            return dash < 0
                ? (int.Parse(slot, CultureInfo.InvariantCulture), int.Parse(slot, CultureInfo.InvariantCulture))
                : (int.Parse(slot[..dash], CultureInfo.InvariantCulture), int.Parse(slot[(dash + 1)..], CultureInfo.InvariantCulture));
        }).ToList();
        return new RedisClusterNode(
            fields[0],
            port,
            flags.Contains("master"),
            flags.Contains("fail"),
            fields[3] == "-" ? null : fields[3],
            slots);
    }
}
