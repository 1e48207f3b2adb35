using System.Diagnostics;
using System.Globalization;

namespace Idempotency.Soak;

/// <summary>
/// Runs one soak: starts the store server and the workers; for <see cref="SoakSettings.Duration"/> kills a random
/// working worker (SIGKILL) every one to two <see cref="SoakSettings.KillEvery"/> and starts a new one in its place, and
/// restarts the store server every <see cref="SoakSettings.RestartEvery"/>; then stops the workers (they finish their
/// calls in flight), lets a fresh worker request every key once (settle), and judges the side-effect logs.
/// </summary>
public static class SoakDriver
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    public static async Task<SoakVerdict> RunAsync(SoakSettings settings, Action<string> progress)
    {
        var directory = settings.Directory ?? Directory.CreateTempSubdirectory("idem-soak-").FullName;
        Directory.CreateDirectory(directory);
        await using var database = await SoakDatabase.StartAsync(settings.Store, directory);
        string[] arguments =
        [
            "--store", settings.Store.ToString().ToLowerInvariant(),
            "--connection", database.ConnectionString,
            "--keys", settings.KeyCount.ToString(CultureInfo.InvariantCulture),
            "--lease-ms", ((int)settings.Lease.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            "--concurrency", settings.Concurrency.ToString(CultureInfo.InvariantCulture),
            .. settings.Transactional ? (string[])["--transactional"] : [],
        ];
        var logs = new List<WorkerLog>();
        var started = 0;
        WorkerProcess StartWorker(params string[] extra) =>
            WorkerProcess.Start(Path.Combine(directory, $"worker-{Interlocked.Increment(ref started):D5}.log"), [.. arguments, .. extra]);

        progress($"soak {settings.Describe()}; logs in {directory}");
        var workers = Enumerable.Range(0, settings.Workers).Select(_ => StartWorker()).ToArray();
        int kills = 0, restarts = 0, crashes = 0;
        var downTime = TimeSpan.Zero;
        try
        {
            foreach (var worker in workers)
            {
                await RequireReadyAsync(worker);
            }

            var clock = Stopwatch.StartNew();
            var restartLoop = RestartLoopAsync(
                database,
                settings,
                clock,
                down =>
                {
                    downTime += down;
                    Interlocked.Increment(ref restarts);
                },
                progress);
            var lastReport = TimeSpan.Zero;
            // Bounded by time and by count (at most one kill per KillEvery), whatever MinKills asks: three times the
            // length, and at least a minute more, for a short run on a loaded machine where a store restart or a worker's
            // start-up takes many seconds (only workers the store has answered are killed).
            var limit = TimeSpan.FromTicks(Math.Max(3 * settings.Duration.Ticks, (settings.Duration + TimeSpan.FromMinutes(1)).Ticks));
            bool Running() => clock.Elapsed < settings.Duration || (kills < settings.MinKills && clock.Elapsed < limit);
            for (var round = 0; Running() && round < limit / settings.KillEvery; round++)
            {
                await Task.Delay(settings.KillEvery + (settings.KillEvery * Random.Shared.NextDouble()));
                for (var slot = 0; slot < workers.Length; slot++)
                {
                    if (workers[slot].HasExited)
                    {
                        // Not killed by us: a crash, counted and reported, and replaced so the run goes on.
                        crashes++;
                        progress($"worker exited by itself with code {workers[slot].ExitCode}: {workers[slot].RecentErrors()}");
                        logs.Add(new WorkerLog(workers[slot].Log, null));
                        workers[slot].Dispose();
                        workers[slot] = StartWorker();
                    }
                }

                var ready = Enumerable.Range(0, workers.Length).Where(s => workers[s].IsActive).ToList();
                if (ready.Count == 0 || !Running())
                {
                    continue;
                }

                var victim = ready[Random.Shared.Next(ready.Count)];
                var killedAt = DateTime.UtcNow.Ticks;
                await workers[victim].KillAsync();
                kills++;
                logs.Add(new WorkerLog(workers[victim].Log, killedAt));
                workers[victim].Dispose();
                workers[victim] = StartWorker();
                if (clock.Elapsed - lastReport > TimeSpan.FromSeconds(30))
                {
                    lastReport = clock.Elapsed;
                    progress($"{clock.Elapsed.TotalSeconds:0} s: {kills} kills, {Volatile.Read(ref restarts)} store restarts");
                }
            }

            await restartLoop;
            var mainEndedAt = DateTime.UtcNow.Ticks;
            var main = clock.Elapsed;
            foreach (var worker in workers)
            {
                // A worker stops between calls; a call in flight ends within a lease or two (a completion retries that long).
                var stopped = await worker.StopAsync(TimeSpan.FromSeconds(30) + (4 * settings.Lease));
                crashes += stopped && worker.ExitCode != 0 ? 1 : 0;
                logs.Add(new WorkerLog(worker.Log, stopped ? null : DateTime.UtcNow.Ticks));
                if (!stopped)
                {
                    progress($"a worker did not stop in time and was killed: {worker.RecentErrors()}");
                }

                worker.Dispose();
            }

            progress($"main phase over after {main.TotalSeconds:0} s: {kills} kills, {restarts} store restarts, {crashes} crashes; settling");
            var settleClock = Stopwatch.StartNew();
            using var settler = StartWorker("--settle");
            var settled = await settler.WaitForExitAsync(settings.SettleTimeout);
            logs.Add(new WorkerLog(settler.Log, settled ? null : DateTime.UtcNow.Ticks));
            if (!settled || settler.ExitCode != 0)
            {
                progress($"the settle worker {(settled ? $"exited with {settler.ExitCode}" : "did not finish in time")}: {settler.RecentErrors()}");
            }

            var effects = settings.Transactional ? await database.ReadEffectsAsync() : null;
            var verdict = SoakJudge.Judge(settings, new SoakObservations(logs, kills, restarts, downTime, crashes, mainEndedAt, main, settleClock.Elapsed, effects));
            if (settings.Directory is null && verdict.Problems().Count == 0)
            {
                Directory.Delete(directory, recursive: true);
            }

            return verdict;
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker.Dispose();
            }
        }
    }

    private static async Task RequireReadyAsync(WorkerProcess worker)
    {
        if (!await worker.WaitReadyAsync(ReadyTimeout))
        {
            throw new InvalidOperationException($"A worker did not open its store within {ReadyTimeout.TotalSeconds:0} s: {worker.RecentErrors()}");
        }
    }

    // Each restart comes RestartEvery after the previous one ended (so the server is up between two), and none starts
    // in the last half interval of the main phase, so the workers stop against a running server.
    private static async Task RestartLoopAsync(SoakDatabase database, SoakSettings settings, Stopwatch clock, Action<TimeSpan> restarted, Action<string> progress)
    {
        if (!database.CanRestart || settings.RestartEvery <= TimeSpan.Zero)
        {
            return;
        }

        for (var count = 0; count < settings.Duration / settings.RestartEvery; count++)
        {
            await Task.Delay(settings.RestartEvery);
            if (clock.Elapsed + (settings.RestartEvery / 2) >= settings.Duration)
            {
                return;
            }

            var down = TimeSpan.FromMilliseconds(Random.Shared.Next(200, 800));
            var outage = Stopwatch.StartNew();
            await database.RestartAsync(down);
            restarted(outage.Elapsed);
            progress($"{clock.Elapsed.TotalSeconds:0} s: store restarted (down {outage.Elapsed.TotalMilliseconds:0} ms)");
        }
    }
}
