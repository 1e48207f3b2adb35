using Xunit.Abstractions;

namespace Idempotency.Soak.Tests;

/// <summary>
/// The short crash soak of every store (the long one is run by hand: docs/reliability.md): four worker processes,
/// one killed (SIGKILL) every 1–2 s and replaced, the store server restarted mid-run, then a settle phase; the
/// verdicts must hold exactly. The server stores and SQLite are two classes, so xunit runs the two groups side by side
/// (most of a run is waiting: worker start-up, leases, restarts); within a group the runs go one after another.
/// </summary>
public sealed class CrashSoakTests(ITestOutputHelper output)
{
    [Fact]
    public Task Redis_WorkersKilledAndServerRestarted_EveryKeyOnceInEffect() =>
        SoakRun.AssertAsync(new SoakSettings { Store = SoakStore.Redis, Duration = TimeSpan.FromSeconds(10), RestartEvery = TimeSpan.FromSeconds(4) }, output);

    [Fact]
    public Task Postgres_WorkersKilledAndServerRestarted_EveryKeyOnceInEffect() =>
        SoakRun.AssertAsync(new SoakSettings { Store = SoakStore.Postgres, Duration = TimeSpan.FromSeconds(10), RestartEvery = TimeSpan.FromSeconds(4) }, output);

    [Fact]
    public Task PostgresTransactional_WorkersKilledAndServerRestarted_NoDuplicateEffectRow() =>
        SoakRun.AssertAsync(new SoakSettings { Store = SoakStore.Postgres, Transactional = true, Duration = TimeSpan.FromSeconds(8), RestartEvery = TimeSpan.FromSeconds(4) }, output);
}

/// <summary>The short crash soak of SQLite (no server: only workers are killed), beside <see cref="CrashSoakTests"/>.</summary>
public sealed class SqliteCrashSoakTests(ITestOutputHelper output)
{
    [Fact]
    public Task Sqlite_WorkersKilled_EveryKeyOnceInEffect() =>
        SoakRun.AssertAsync(new SoakSettings { Store = SoakStore.Sqlite, Duration = TimeSpan.FromSeconds(8) }, output);

    [Fact]
    public Task SqliteTransactional_WorkersKilled_NoDuplicateEffectRow() =>
        SoakRun.AssertAsync(new SoakSettings { Store = SoakStore.Sqlite, Transactional = true, Duration = TimeSpan.FromSeconds(8) }, output);
}

internal static class SoakRun
{
    // A kill every 1–2 s: a run is prolonged (up to three times its length) until it has this many.
    private const int MinKills = 6;

    public static async Task AssertAsync(SoakSettings settings, ITestOutputHelper output)
    {
        var verdict = await SoakDriver.RunAsync(settings with { MinKills = MinKills }, output.WriteLine);
        var table = verdict.ToTable();
        output.WriteLine(table);

        Assert.True(verdict.Problems().Count == 0, table);
        Assert.Equal(0, verdict.UnexplainedDuplicates);
        Assert.Equal(0, verdict.StaleOverwrites);
        Assert.Equal(0, verdict.KeysNeverExecuted);
        Assert.Equal(0, verdict.KeysUnsettled);
        Assert.True(verdict.Kills >= MinKills, $"only {verdict.Kills} kills\n{table}");
        Assert.True(settings.Store == SoakStore.Sqlite || verdict.StoreRestarts >= 1, $"the store was not restarted\n{table}");
        if (settings.Transactional)
        {
            Assert.Equal(0, verdict.DuplicateEffects);
            Assert.Equal(0, verdict.KeysWithoutEffect);
            Assert.Equal(0, verdict.EffectMismatches);
        }
    }
}
