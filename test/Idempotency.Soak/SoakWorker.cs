using System.Data.Common;
using System.Globalization;

namespace Idempotency.Soak;

/// <summary>
/// A worker process. Main mode: <c>Concurrency</c> loops call random keys of the shared key space until the driver
/// says stop (a line on stdin, or stdin closed), then finish the calls in flight and exit; the driver kills it with
/// SIGKILL at any moment before that. Settle mode: every key once, waiting out leases, until each key replays, executes
/// or is known as not stored. Every execution and its return go to the side-effect log (see <see cref="SideEffectLog"/>).
/// </summary>
public sealed class SoakWorker
{
    public const string Operation = "soak";
    private readonly SoakTarget _target;
    private readonly SideEffectLog _log;
    private readonly bool _transactional;
    private readonly TimeSpan _lease;
    private int _active;

    private SoakWorker(SoakTarget target, SideEffectLog log, bool transactional, TimeSpan lease)
    {
        _target = target;
        _log = log;
        _transactional = transactional;
        _lease = lease;
    }

    /// <summary>Runs a worker from its command line (after the <c>worker</c> verb).</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        string Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? throw new ArgumentException($"missing {name}");
        var store = Enum.Parse<SoakStore>(Value("--store"), ignoreCase: true);
        var keys = int.Parse(Value("--keys"), CultureInfo.InvariantCulture);
        var lease = TimeSpan.FromMilliseconds(int.Parse(Value("--lease-ms"), CultureInfo.InvariantCulture));
        var concurrency = int.Parse(Value("--concurrency"), CultureInfo.InvariantCulture);
        var transactional = args.Contains("--transactional");
        var settle = args.Contains("--settle");

        var options = new IdempotencyOptions { ServiceName = "soak" };
        options.DefaultPolicy.Lease = lease;
        // Settling waits out the leases of killed workers' claims, then takes the keys over; the main phase moves on.
        options.DefaultPolicy.InProgressWait = settle ? 4 * lease : TimeSpan.Zero;

        using var log = new SideEffectLog(Value("--log"));
        await using var target = await OpenWithRetriesAsync(store, Value("--connection"), transactional, options, log);
        var worker = new SoakWorker(target, log, transactional, lease);
        Console.Out.WriteLine("READY");
        Console.Out.Flush();
        if (settle)
        {
            var unsettled = await worker.SettleAsync(keys, concurrency);
            Console.Out.WriteLine($"SETTLE-DONE unsettled={unsettled}");
            return unsettled == 0 ? 0 : 3;
        }

        using var stop = new CancellationTokenSource();
        _ = Task.Run(() =>
        {
            Console.In.ReadLine(); // "stop", or end of input when the driver is gone
            stop.Cancel();
        });
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(() => worker.LoopAsync(keys, stop.Token))));
        Console.Out.WriteLine("STOPPED");
        return 0;
    }

    // The driver may start a worker while it restarts the server: keep trying for a while.
    private static async Task<SoakTarget> OpenWithRetriesAsync(SoakStore store, string connection, bool transactional, IdempotencyOptions options, SideEffectLog log)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await SoakTarget.OpenAsync(store, connection, transactional, options, inner => new LeaseWatchingStore(inner, log));
            }
            catch (Exception ex) when (attempt < 60)
            {
                Console.Error.WriteLine($"open failed ({ex.GetType().Name}: {ex.Message}); retrying");
                await Task.Delay(500);
            }
        }
    }

    private async Task LoopAsync(int keys, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var outcome = await CallAsync("k" + Random.Shared.Next(keys).ToString(CultureInfo.InvariantCulture));
            if (outcome is CallOutcome.Unavailable or CallOutcome.Fault)
            {
                await Task.Delay(100, CancellationToken.None);
            }
            else if (Interlocked.Exchange(ref _active, 1) == 0)
            {
                // The first call the store answered: from now on the driver may kill this worker (a kill during start-up,
                // which takes seconds on a loaded machine, would interrupt no call).
                Console.Out.WriteLine("ACTIVE");
                Console.Out.Flush();
            }
        }
    }

    private async Task<int> SettleAsync(int keys, int concurrency)
    {
        var unsettled = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, keys), new ParallelOptions { MaxDegreeOfParallelism = 2 * concurrency }, async (i, _) =>
        {
            var key = "k" + i.ToString(CultureInfo.InvariantCulture);
            for (var attempt = 0; attempt < 40; attempt++)
            {
                var outcome = await CallAsync(key);
                if (outcome is CallOutcome.Executed or CallOutcome.Replayed or CallOutcome.NotStored)
                {
                    _log.Settled(key, outcome.ToString().ToLowerInvariant());
                    return;
                }

                await Task.Delay(200, CancellationToken.None);
            }

            Interlocked.Increment(ref unsettled);
        });
        return unsettled;
    }

    /// <summary>One call of one key through the library, logged.</summary>
    private async Task<CallOutcome> CallAsync(string key)
    {
        var tokens = new List<string>(1);
        LeaseWatchingStore.Begin(key);
        try
        {
            var result = await _target.ExecuteAsync(new IdempotencyRequest(Operation, key) { Fingerprint = "f" }, (tx, ct) => WorkAsync(key, tokens, tx, ct));
            if (result.IsReplayed)
            {
                _log.Replay(key, result.Value);
                return CallOutcome.Replayed;
            }

            EndEarlierAttempts(key, tokens);
            _log.Done(key, tokens[^1], result.LeaseLost ? "leaselost" : result.ResultNotStored ? "notstored" : "stored");
            return CallOutcome.Executed;
        }
        catch (Exception ex) when (tokens.Count > 0)
        {
            // The work ran and the library then threw (a transaction that did not commit): the run took no effect.
            EndEarlierAttempts(key, tokens);
            _log.Done(key, tokens[^1], ex is IdempotencyTransactionNotCommittedException ? "notcommitted" : "threw-" + ex.GetType().Name);
            return CallOutcome.Unavailable;
        }
        catch (IdempotencyRequestInProgressException)
        {
            return CallOutcome.InProgress;
        }
        catch (IdempotencyResultNotStoredException)
        {
            return CallOutcome.NotStored;
        }
        catch (IdempotencyStoreUnavailableException)
        {
            return CallOutcome.Unavailable;
        }
        catch (Exception ex)
        {
            _log.Fault(key, ex);
            Console.Error.WriteLine($"{key}: {ex}");
            return CallOutcome.Fault;
        }
    }

    // Should one call run the work more than once, every run but the last was not the one the library returned.
    private void EndEarlierAttempts(string key, List<string> tokens)
    {
        foreach (var token in tokens.Take(tokens.Count - 1))
        {
            _log.Done(key, token, "superseded");
        }
    }

    /// <summary>The work: its effect is the EXEC line (and, transactional, a row in the claim's transaction); its result is its token.</summary>
    private async ValueTask<string> WorkAsync(string key, List<string> tokens, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        var token = Guid.NewGuid().ToString("N")[..16];
        tokens.Add(token);
        _log.Exec(key, token, LeaseWatchingStore.Current?.Owner);
        if (transaction is not null)
        {
            await using var insert = transaction.Connection!.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO {SoakDatabase.EffectsTable} (key, token) VALUES (@key, @token)";
            Add(insert, "key", key);
            Add(insert, "token", token);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        // Mostly short; now and then (plain mode) longer than the lease, so the lease must be renewed while it runs.
        var delay = !_transactional && Random.Shared.Next(100) < 3
            ? 2 * _lease
            : TimeSpan.FromMilliseconds(Random.Shared.Next(_transactional ? 2 : 5, _transactional ? 20 : 40));
        await Task.Delay(delay, cancellationToken);
        return token;
    }

    private static void Add(DbCommand command, string name, string value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private enum CallOutcome
    {
        Executed,
        Replayed,
        NotStored,
        InProgress,
        Unavailable,
        Fault,
    }
}
