using System.Globalization;
using System.Text;

namespace Idempotency.Soak;

/// <summary>
/// The verdicts of one soak run. A duplicate execution (a key's second or later EXEC, in the order of the claims) is explained when
/// the execution before it never returned because the driver had killed its worker before the duplicate started, or
/// returned with the library saying its result was not kept (lease lost to a takeover, result not stored, transaction
/// not committed), or had not returned yet while its lease had already ended, unrenewed, before the duplicate's claim
/// (its worker starved past the lease): each leaves the key free to run again by design. A stale-owner overwrite is a key whose stored
/// result (what replays return) is not the one the library confirmed as stored, or whose replays disagree.
/// </summary>
public sealed record SoakVerdict
{
    public required SoakSettings Settings { get; init; }

    public int Executions { get; init; }

    /// <summary>Gets the executions that started in the main phase (for the throughput).</summary>
    public int MainExecutions { get; init; }

    public int DistinctKeysExecuted { get; init; }

    public int KeysNeverExecuted { get; init; }

    public int KeysUnsettled { get; init; }

    public int KeysSettledNotStored { get; init; }

    public int DuplicateExecutions { get; init; }

    public int DuplicatesAfterKill { get; init; }

    public int DuplicatesAfterReportedNotKept { get; init; }

    public int DuplicatesAfterLeaseLapsed { get; init; }

    public int UnexplainedDuplicates { get; init; }

    public int Replays { get; init; }

    public int StaleOverwrites { get; init; }

    public int Kills { get; init; }

    public int StoreRestarts { get; init; }

    /// <summary>Gets the time the store spent restarting (stop, pause, start until it answers), in total.</summary>
    public TimeSpan StoreDownTime { get; init; }

    public int WorkerCrashes { get; init; }

    public int Faults { get; init; }

    public TimeSpan MainPhase { get; init; }

    public TimeSpan SettlePhase { get; init; }

    /// <summary>Gets the effect rows (transactional mode), or null.</summary>
    public int? EffectRows { get; init; }

    public int DuplicateEffects { get; init; }

    public int KeysWithoutEffect { get; init; }

    public int EffectMismatches { get; init; }

    /// <summary>Gets a few keys behind failed verdicts, with their history, for the report.</summary>
    public IReadOnlyList<string> Examples { get; init; } = [];

    /// <summary>Gets the failed verdicts (empty when the run passed).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        void Check(bool ok, string what)
        {
            if (!ok)
            {
                problems.Add(what);
            }
        }

        Check(KeysNeverExecuted == 0, $"{KeysNeverExecuted} keys never executed after settling");
        Check(KeysUnsettled == 0, $"{KeysUnsettled} keys the settle phase could not settle");
        Check(UnexplainedDuplicates == 0, $"{UnexplainedDuplicates} duplicate executions not explained by a kill, a reported loss or a lapsed lease");
        Check(StaleOverwrites == 0, $"{StaleOverwrites} stale-owner overwrites");
        Check(WorkerCrashes == 0, $"{WorkerCrashes} workers exited by themselves with an error");
        Check(Faults == 0, $"{Faults} unexpected exceptions in workers");
        if (EffectRows is not null)
        {
            Check(DuplicateEffects == 0, $"{DuplicateEffects} duplicate effect rows");
            Check(KeysWithoutEffect == 0, $"{KeysWithoutEffect} keys without an effect row");
            Check(EffectMismatches == 0, $"{EffectMismatches} keys whose stored result is not their effect row's");
        }

        return problems;
    }

    /// <summary>Renders the verdicts as a Markdown table, headed by the run's settings.</summary>
    public string ToTable()
    {
        var text = new StringBuilder();
        var seconds = MainPhase.TotalSeconds;
        void Row(string name, FormattableString value) => text.Append(CultureInfo.InvariantCulture, $"| {name} | {value.ToString(CultureInfo.InvariantCulture)} |\n");

        text.Append("Soak ").Append(Settings.Describe()).Append('\n').Append('\n');
        text.Append("| verdict | value |\n| --- | --- |\n");
        Row("executions (EXEC lines)", $"{Executions}");
        Row("distinct keys executed", $"{DistinctKeysExecuted} of {Settings.KeyCount}");
        Row("keys never executed after settling", $"{KeysNeverExecuted}");
        Row("keys not settled", $"{KeysUnsettled} ({KeysSettledNotStored} settled as \"result not stored\")");
        Row("duplicate executions", $"{DuplicateExecutions}");
        Row("— after the previous run's worker was killed between EXEC and DONE", $"{DuplicatesAfterKill}");
        Row("— after the library reported the previous run's result not kept", $"{DuplicatesAfterReportedNotKept}");
        Row("— after the previous run's lease ended unrenewed before the duplicate's claim (its worker alive)", $"{DuplicatesAfterLeaseLapsed}");
        Row("**duplicate executions not explained**", $"**{UnexplainedDuplicates}**");
        Row("replays checked", $"{Replays}");
        Row("**stale-owner overwrites**", $"**{StaleOverwrites}**");
        if (EffectRows is { } rows)
        {
            Row("effect rows (transactional)", $"{rows}");
            Row("**duplicate effect rows**", $"**{DuplicateEffects}**");
            Row("keys without an effect row", $"{KeysWithoutEffect}");
            Row("stored result not the effect row's", $"{EffectMismatches}");
        }

        Row("kills (SIGKILL)", $"{Kills}");
        Row("store restarts", $"{StoreRestarts} (down {StoreDownTime.TotalSeconds:0} s in all)");
        Row("worker crashes / unexpected exceptions", $"{WorkerCrashes} / {Faults}");
        Row("throughput (main phase, machine under other load)", $"{MainExecutions / seconds:0} executions/s over {seconds:0} s; settle phase {SettlePhase.TotalSeconds:0.0} s");
        text.Append('\n').Append(Problems() is { Count: 0 } ? "PASS" : "FAIL: " + string.Join("; ", Problems())).Append('\n');
        foreach (var example in Examples)
        {
            text.Append("  ").Append(example).Append('\n');
        }

        return text.ToString();
    }
}
