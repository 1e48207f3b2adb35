using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Idempotency.Sqlite.Tests;

/// <summary>
/// A child process claiming and completing keys in a loop is killed with SIGKILL, again and again, on one file. After
/// each kill the database is intact, every result the child saw stored reads back, and a rerun of the same keys runs
/// exactly those that were not completed — none twice.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output) : IDisposable
{
    private const int Kills = 5;
    private readonly SqliteFile _file = new();

    [Fact]
    public async Task Kill9_DuringClaimsAndCompletions_LeavesAConsistentDatabaseAndNoSecondExecution()
    {
        for (var round = 0; round < Kills; round++)
        {
            var service = $"crash-{round}";
            var effectsPath = Path.Combine(_file.Folder, $"crash-{round}.log");
            using (var child = HammerChild.Start(_file, effectsPath, service, keys: 100_000, rounds: 1))
            {
                await child.WaitReadyAsync(TimeSpan.FromSeconds(30));

                // Kill after a varying number of completions, while 16 operations are in flight.
                var target = 20 + (round * 17);
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (child.ReadEffects().Completed.Count < target)
                {
                    Assert.True(DateTime.UtcNow < deadline, "The child completed too few keys before the deadline.");
                    await Task.Delay(5);
                }

                child.Kill();
            }

            await CheckAfterKillAsync(round, service, effectsPath);
        }
    }

    public void Dispose() => _file.Dispose();

    private async Task CheckAfterKillAsync(int round, string service, string effectsPath)
    {
        Assert.Equal("ok", _file.Scalar("PRAGMA integrity_check"));

        var effects = ReadEffects(effectsPath);
        using var store = _file.CreateStore();

        // The rerun's clock is ten minutes ahead: the dead child's leases (60 s) have run out, its results (24 h) have not.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(10));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton<IIdempotencyStore>(store);
        services.AddIdempotency(o => o.ServiceName = service);
        await using var provider = services.BuildServiceProvider();
        var admin = provider.GetRequiredService<IIdempotencyAdministrator>();
        var completedInFile = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in effects.Executed)
        {
            var record = await admin.GetAsync("hammer", key, null, default);
            if (record?.Status == IdempotencyRecordStatus.Completed)
            {
                completedInFile.Add(key);
            }
        }

        // Every result the child saw stored is there; every completed record belongs to a key whose operation ran.
        Assert.Subset(completedInFile, effects.Completed);
        var counts = await store.CountByStatusAsync(clock.GetUtcNow(), default);
        Assert.Equal(completedInFile.Count + CompletedBefore, counts[IdempotencyRecordStatus.Completed]);

        // Each operation ran at most once before the kill.
        Assert.Equal(effects.Executed.Count, effects.ExecutedLines);

        var executor = provider.GetRequiredService<IIdempotencyExecutor>();
        var rerun = new List<string>();
        foreach (var key in effects.Executed)
        {
            await executor.ExecuteAsync(new IdempotencyRequest("hammer", key) { Fingerprint = "f" }, _ =>
            {
                rerun.Add(key);
                return ValueTask.FromResult(key.Length);
            }, default);
        }

        Assert.Empty(rerun.Intersect(completedInFile));
        Assert.Equal(effects.Executed.Count - completedInFile.Count, rerun.Count);
        CompletedBefore += effects.Executed.Count;
        output.WriteLine($"kill {round}: {effects.Executed.Count} ran, {effects.Completed.Count} seen stored, {completedInFile.Count} completed in the file, {rerun.Count} rerun");
    }

    // Completed records of earlier rounds (their keys all completed by the reruns), counted by CountByStatusAsync too.
    private int CompletedBefore { get; set; }

    private static (HashSet<string> Executed, HashSet<string> Completed, int ExecutedLines) ReadEffects(string path)
    {
        var lines = File.ReadAllLines(path);
        var executed = lines.Where(l => l.StartsWith("EXECUTED key-", StringComparison.Ordinal)).Select(l => l["EXECUTED ".Length..]).ToList();
        var completed = lines.Where(l => l.StartsWith("COMPLETED key-", StringComparison.Ordinal)).Select(l => l["COMPLETED ".Length..]);
        return (executed.ToHashSet(StringComparer.Ordinal), completed.ToHashSet(StringComparer.Ordinal), executed.Count);
    }
}
