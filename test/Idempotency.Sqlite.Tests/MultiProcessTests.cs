using System.Globalization;
using Xunit.Abstractions;

namespace Idempotency.Sqlite.Tests;

/// <summary>Four real processes race the same keys on one SQLite file: every key runs exactly once in total.</summary>
public sealed class MultiProcessTests(ITestOutputHelper output) : IDisposable
{
    private const int Processes = 4;
    private const int Keys = 200;
    private const int Rounds = 3;
    private readonly SqliteFile _file = new();

    [Fact]
    public async Task ExecuteAsync_FourProcessesOnTheSameKeys_EveryKeyExecutesExactlyOnceInTotal()
    {
        using (var store = _file.CreateStore())
        {
            await store.CreateTableAsync(default);
        }

        // A start gate: this connection holds the write lock until every child has opened the store, so their first
        // claims queue on the lock and race together (process start-up alone would spread them over a second).
        var gate = _file.Open();
        var transaction = gate.BeginTransaction(deferred: false);
        var children = Enumerable.Range(0, Processes)
            .Select(i => HammerChild.Start(_file, Path.Combine(_file.Folder, $"effects-{i}.log"), "multi", Keys, Rounds))
            .ToList();
        try
        {
            foreach (var child in children)
            {
                await child.WaitReadyAsync(TimeSpan.FromSeconds(30));
            }

            await Task.Delay(200);
            transaction.Commit();
            transaction.Dispose();
            gate.Dispose();

            var results = await Task.WhenAll(children.Select(c => c.WaitAsync(TimeSpan.FromSeconds(90))));
            Assert.All(results, r => Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.Errors}"));

            var effects = children.Select(c => c.ReadEffects()).ToList();
            var executed = effects.SelectMany(e => e.Executed).ToList();
            Assert.Equal(Keys, effects.Sum(e => e.ExecutedLines));
            Assert.Equal(Enumerable.Range(0, Keys).Select(i => $"key-{i}").Order(StringComparer.Ordinal), executed.Order(StringComparer.Ordinal));
            Assert.Equal(Keys, effects.Sum(e => e.Completed.Count));
            Assert.All(results, r => Assert.Equal(Keys * Rounds, Done(r.Done, "executed") + Done(r.Done, "replayed")));
            Assert.Equal("ok", _file.Scalar("PRAGMA integrity_check"));
            output.WriteLine("Executed per process: " + string.Join(", ", effects.Select(e => e.ExecutedLines)));
        }
        finally
        {
            children.ForEach(c => c.Dispose());
        }
    }

    public void Dispose() => _file.Dispose();

    private static int Done(string done, string counter)
    {
        var part = done.Split(' ').Single(p => p.StartsWith(counter + "=", StringComparison.Ordinal));
        return int.Parse(part[(counter.Length + 1)..], CultureInfo.InvariantCulture);
    }
}
