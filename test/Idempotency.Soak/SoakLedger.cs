using System.Globalization;

namespace Idempotency.Soak;

/// <summary>Everything the side-effect logs say about one key.</summary>
internal sealed class KeyHistory
{
    public List<(long Time, string Token, string Owner, WorkerLog Worker)> Executions { get; } = [];

    /// <summary>Gets each execution's outcome as logged after the library returned (absent: the worker died first).</summary>
    public Dictionary<string, string> Outcomes { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Replays { get; } = new(StringComparer.Ordinal);

    public int ReplayCount { get; set; }

    public string? Settled { get; set; }
}

/// <summary>
/// One acquired claim's lease, by owner token: when it was claimed (the claim's <c>now</c>, and when its grant was
/// logged), and the latest end the store may hold for it at a given moment: the claim's end, or a renewal's, counting
/// every renewal sent before that moment that the store accepted, that failed (a timeout may follow a write), or whose
/// answer a kill before that moment may have lost. A renewal still unanswered while its worker lived on is not counted:
/// it was waiting (for SQLite's write lock, say), and had it reached the store before the later claim, that claim could
/// not have taken the key over; reaching it after, it is refused.
/// </summary>
internal sealed class LeaseHistory
{
    public long ClaimedAt { get; set; }

    public long ClaimEnd { get; set; }

    /// <summary>Gets when the worker logged the grant: the store granted the claim before.</summary>
    public long GrantLoggedAt { get; set; }

    /// <summary>Gets each renewal sent, by the lease end it asked for, with the time its "started" line was written (it reached the store after).</summary>
    public Dictionary<long, long> RenewalsSent { get; } = [];

    public HashSet<long> RenewalsRefused { get; } = [];

    /// <summary>Gets the renewals answered "ok" or "failed", by the lease end they asked for.</summary>
    public HashSet<long> RenewalsAnswered { get; } = [];

    /// <summary>Gets when the driver killed the worker that held this claim, if it did (UTC ticks).</summary>
    public long? KilledAt { get; set; }

    /// <summary>The latest lease end the store may have held when a claim granted before <paramref name="grantedBefore"/> was processed.</summary>
    public long LatestEnd(long grantedBefore = long.MaxValue) =>
        RenewalsSent.Where(r => r.Value < grantedBefore && !RenewalsRefused.Contains(r.Key) && (RenewalsAnswered.Contains(r.Key) || KilledAt < grantedBefore))
            .Select(r => r.Key).Append(ClaimEnd).Max();
}

/// <summary>A worker process's log, and whether (and when, in UTC ticks) the driver killed it.</summary>
public sealed record WorkerLog(string Path, long? KilledAt);

/// <summary>Reads the side-effect logs of a run into per-key histories.</summary>
internal static class SoakLedger
{
    public static (Dictionary<string, KeyHistory> Keys, Dictionary<string, LeaseHistory> Leases, int Faults) Read(IEnumerable<WorkerLog> logs)
    {
        var keys = new Dictionary<string, KeyHistory>(StringComparer.Ordinal);
        var leases = new Dictionary<string, LeaseHistory>(StringComparer.Ordinal);
        LeaseHistory Lease(string owner) => leases.TryGetValue(owner, out var lease) ? lease : leases[owner] = new LeaseHistory();
        var faults = 0;
        foreach (var log in logs.Where(l => File.Exists(l.Path)))
        {
            var text = File.ReadAllText(log.Path);
            // A line cut by the kill (no newline yet) was never fully written: it is not an event.
            var complete = text.EndsWith('\n') ? text : text[..(text.LastIndexOf('\n') + 1)];
            foreach (var line in complete.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var f = line.Split(' ');
                if (f[0] == "RENEW")
                {
                    var end = long.Parse(f[3], CultureInfo.InvariantCulture);
                    var lease = Lease(f[1]);
                    lease.KilledAt = log.KilledAt;
                    if (f[4] == "started")
                    {
                        lease.RenewalsSent[end] = long.Parse(f[5], CultureInfo.InvariantCulture);
                    }
                    else if (f[4] == "refused")
                    {
                        lease.RenewalsRefused.Add(end);
                    }
                    else
                    {
                        lease.RenewalsAnswered.Add(end);
                    }

                    continue;
                }

                var key = f[1];
                if (!keys.TryGetValue(key, out var history))
                {
                    keys[key] = history = new KeyHistory();
                }

                switch (f[0])
                {
                    case "EXEC":
                        history.Executions.Add((long.Parse(f[5], CultureInfo.InvariantCulture), f[3], f[4], log));
                        break;
                    case "CLAIM":
                        Lease(f[3]).ClaimedAt = long.Parse(f[4], CultureInfo.InvariantCulture);
                        Lease(f[3]).ClaimEnd = long.Parse(f[5], CultureInfo.InvariantCulture);
                        Lease(f[3]).GrantLoggedAt = long.Parse(f[6], CultureInfo.InvariantCulture);
                        break;
                    case "DONE":
                        history.Outcomes[f[3]] = f[4];
                        break;
                    case "REPLAY":
                        history.Replays.Add(f[3]);
                        history.ReplayCount++;
                        break;
                    case "SETTLED":
                        history.Settled = f[3];
                        break;
                    case "FAULT":
                        faults++;
                        break;
                    default:
                        throw new InvalidDataException($"Unknown line in {log.Path}: {line}");
                }
            }
        }

        // In the order the store granted the claims (a claim's now: a takeover needs a now at or past the previous
        // lease's end), not the order the work started: a claim answered late, after its lease had already lapsed and
        // another worker had taken over, runs its work after the takeover's.
        long Order((long Time, string Token, string Owner, WorkerLog Worker) e) => leases.GetValueOrDefault(e.Owner) is { ClaimedAt: > 0 } lease ? lease.ClaimedAt : e.Time;
        foreach (var history in keys.Values)
        {
            history.Executions.Sort((a, b) => Order(a).CompareTo(Order(b)));
        }

        return (keys, leases, faults);
    }
}
