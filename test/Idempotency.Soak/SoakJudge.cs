using System.Globalization;

namespace Idempotency.Soak;

/// <summary>What the driver observed besides the logs.</summary>
public sealed record SoakObservations(
    IReadOnlyList<WorkerLog> Logs,
    int Kills,
    int StoreRestarts,
    TimeSpan StoreDownTime,
    int WorkerCrashes,
    long MainEndedAt,
    TimeSpan MainPhase,
    TimeSpan SettlePhase,
    IReadOnlyList<(string Key, string Token)>? Effects);

/// <summary>Turns the side-effect logs (and, transactional, the effect rows) into the verdicts.</summary>
public static class SoakJudge
{
    public static SoakVerdict Judge(SoakSettings settings, SoakObservations seen)
    {
        var (keys, leases, faults) = SoakLedger.Read(seen.Logs);
        var examples = new List<string>();
        int duplicates = 0, afterKill = 0, afterReported = 0, afterLapse = 0, unexplained = 0, stale = 0;
        foreach (var (key, history) in keys)
        {
            var runs = history.Executions;
            for (var i = 1; i < runs.Count; i++)
            {
                duplicates++;
                var previous = runs[i - 1];
                var outcome = history.Outcomes.GetValueOrDefault(previous.Token);
                if (outcome is null && previous.Worker.KilledAt is { } killedAt && killedAt < runs[i].Time)
                {
                    afterKill++;
                }
                else if (KilledBeforeTheOtherRan(history, runs[i], previous))
                {
                    // Runs are ordered by their claims' now, but a claim made in a transaction waits for SQLite's write
                    // lock after taking its now: the later claim's run went first, and its worker died before the other ran.
                    afterKill++;
                }
                else if (outcome is not null and not "stored")
                {
                    afterReported++;
                }
                else if (outcome is null && LeaseLapsedBefore(leases, previous.Owner, runs[i].Owner))
                {
                    // The previous run's worker had not heard back yet (it may be killed later, or be stopping), but
                    // its lease had ended unrenewed before this run's claim: a takeover the lease allows by design.
                    afterLapse++;
                }
                else
                {
                    unexplained++;
                    Example(examples, leases, key, history, "unexplained duplicate");
                }
            }

            if (!StoredResultIsTheOwners(history))
            {
                stale++;
                Example(examples, leases, key, history, "stale overwrite");
            }
        }

        var all = Enumerable.Range(0, settings.KeyCount).Select(i => "k" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        var verdict = new SoakVerdict
        {
            Settings = settings,
            Executions = keys.Values.Sum(h => h.Executions.Count),
            MainExecutions = keys.Values.Sum(h => h.Executions.Count(e => e.Time <= seen.MainEndedAt)),
            DistinctKeysExecuted = keys.Values.Count(h => h.Executions.Count > 0),
            KeysNeverExecuted = all.Count(k => !keys.TryGetValue(k, out var h) || h.Executions.Count == 0),
            KeysUnsettled = all.Count(k => keys.GetValueOrDefault(k)?.Settled is null),
            KeysSettledNotStored = keys.Values.Count(h => h.Settled == "notstored"),
            DuplicateExecutions = duplicates,
            DuplicatesAfterKill = afterKill,
            DuplicatesAfterReportedNotKept = afterReported,
            DuplicatesAfterLeaseLapsed = afterLapse,
            UnexplainedDuplicates = unexplained,
            Replays = keys.Values.Sum(h => h.ReplayCount),
            StaleOverwrites = stale,
            Kills = seen.Kills,
            StoreRestarts = seen.StoreRestarts,
            StoreDownTime = seen.StoreDownTime,
            WorkerCrashes = seen.WorkerCrashes,
            Faults = faults,
            MainPhase = seen.MainPhase,
            SettlePhase = seen.SettlePhase,
        };

        return seen.Effects is { } effects ? JudgeEffects(verdict, all, keys, leases, effects, examples) : verdict with { Examples = examples };
    }

    private static bool KilledBeforeTheOtherRan(KeyHistory history, (long Time, string Token, string Owner, WorkerLog Worker) run, (long Time, string Token, string Owner, WorkerLog Worker) other) =>
        history.Outcomes.GetValueOrDefault(run.Token) is null && run.Worker.KilledAt is { } killedAt && killedAt < other.Time;

    /// <summary>
    /// Whether the earlier claim's lease had ended, as far as the store may know (its claim, or the latest renewal that
    /// may have reached the store before the later claim was granted: <see cref="LeaseHistory"/>), at or before the later claim's <c>now</c>: the
    /// store lets a claim take over exactly then. Without both claims logged, it cannot be told.
    /// </summary>
    private static bool LeaseLapsedBefore(Dictionary<string, LeaseHistory> leases, string earlierOwner, string laterOwner) =>
        leases.TryGetValue(earlierOwner, out var earlier) && earlier.ClaimEnd != 0
        && leases.TryGetValue(laterOwner, out var later) && later.ClaimedAt != 0
        && earlier.LatestEnd(later.GrantLoggedAt) <= later.ClaimedAt;

    /// <summary>
    /// The stored result is the owner's when: replays agree on one result; at most one run was confirmed stored, and
    /// replays return its result; without a confirmed run, replays return a run whose worker died before hearing back
    /// (or was told "not stored" although its write landed), never a fenced run (lease lost, not committed).
    /// </summary>
    private static bool StoredResultIsTheOwners(KeyHistory history)
    {
        var stored = history.Outcomes.Where(o => o.Value == "stored").Select(o => o.Key).ToList();
        if (history.Replays.Count > 1 || stored.Count > 1)
        {
            return false;
        }

        if (history.Replays.Count == 0)
        {
            return true;
        }

        var replayed = history.Replays.Single();
        if (stored.Count == 1)
        {
            return replayed == stored[0];
        }

        return history.Executions.Any(e => e.Token == replayed) && history.Outcomes.GetValueOrDefault(replayed) is null or "notstored";
    }

    private static SoakVerdict JudgeEffects(SoakVerdict verdict, List<string> all, Dictionary<string, KeyHistory> keys, Dictionary<string, LeaseHistory> leases, IReadOnlyList<(string Key, string Token)> effects, List<string> examples)
    {
        var rows = effects.GroupBy(e => e.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(e => e.Token).ToList(), StringComparer.Ordinal);
        var mismatches = 0;
        foreach (var (key, tokens) in rows)
        {
            var history = keys.GetValueOrDefault(key);
            var stored = history?.Outcomes.Where(o => o.Value == "stored").Select(o => o.Key).ToList() ?? [];
            var replayed = history?.Replays.ToList() ?? [];
            if (tokens.Count == 1 && stored.Concat(replayed).Any(t => t != tokens[0]))
            {
                mismatches++;
                Example(examples, leases, key, history, $"effect row {tokens[0]}");
            }
        }

        return verdict with
        {
            EffectRows = effects.Count,
            DuplicateEffects = effects.Count - rows.Count,
            KeysWithoutEffect = all.Count(k => !rows.ContainsKey(k)),
            EffectMismatches = mismatches,
            Examples = examples,
        };
    }

    private static void Example(List<string> examples, Dictionary<string, LeaseHistory> leases, string key, KeyHistory? history, string what)
    {
        if (examples.Count >= 5 || history is null)
        {
            return;
        }

        static string Time(long ticks) => new DateTime(ticks, DateTimeKind.Utc).ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
        string Lease(string owner) => leases.GetValueOrDefault(owner) is { ClaimEnd: not 0 } l ? $" claimed {Time(l.ClaimedAt)} lease to {Time(l.LatestEnd())} ({l.RenewalsSent.Count} renewals sent, {l.RenewalsRefused.Count} refused)" : " claim not logged";
        var runs = string.Join(", ", history.Executions.Select(e => $"{e.Token}@{Time(e.Time)}{Lease(e.Owner)}{(e.Worker.KilledAt is { } k ? $" (killed {Time(k)})" : "")}={history.Outcomes.GetValueOrDefault(e.Token) ?? "no DONE"}"));
        examples.Add(string.Create(CultureInfo.InvariantCulture, $"{what}: {key}: runs [{runs}], replays [{string.Join(", ", history.Replays)}]"));
    }
}
