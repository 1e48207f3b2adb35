using Xunit.Abstractions;

namespace Idempotency.Soak.Tests;

/// <summary>
/// The short crash soak of every store (the long one is run by hand: docs/reliability.md): four worker processes,
/// one killed (SIGKILL) every 1–2 s and replaced, the store server restarted mid-run, then a settle phase; the
/// verdicts must hold exactly. The runs go one after another (one class): each already keeps both cores busy.
/// </summary>
public sealed class CrashSoakTests(ITestOutputHelper output)
{
    private const int MinKills = 10;

    [Fact]
    public Task Redis_WorkersKilledAndServerRestarted_EveryKeyOnceInEffect() =>
        SoakAsync(new SoakSettings { Store = SoakStore.Redis, Duration = TimeSpan.FromSeconds(20), RestartEvery = TimeSpan.FromSeconds(8) });

    [Fact]
    public Task Postgres_WorkersKilledAndServerRestarted_EveryKeyOnceInEffect() =>
        SoakAsync(new SoakSettings { Store = SoakStore.Postgres, Duration = TimeSpan.FromSeconds(18), RestartEvery = TimeSpan.FromSeconds(8) });

    [Fact]
    public Task Sqlite_WorkersKilled_EveryKeyOnceInEffect() =>
        SoakAsync(new SoakSettings { Store = SoakStore.Sqlite, Duration = TimeSpan.FromSeconds(15) });

    [Fact]
    public Task PostgresTransactional_WorkersKilledAndServerRestarted_NoDuplicateEffectRow() =>
        SoakAsync(new SoakSettings { Store = SoakStore.Postgres, Transactional = true, Duration = TimeSpan.FromSeconds(15), RestartEvery = TimeSpan.FromSeconds(7) });

    [Fact]
    public Task SqliteTransactional_WorkersKilled_NoDuplicateEffectRow() =>
        SoakAsync(new SoakSettings { Store = SoakStore.Sqlite, Transactional = true, Duration = TimeSpan.FromSeconds(15) });

    private async Task SoakAsync(SoakSettings settings)
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
