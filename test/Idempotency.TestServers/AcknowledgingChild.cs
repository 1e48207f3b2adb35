using System.Diagnostics;

namespace Idempotency.TestServers;

/// <summary>
/// A helper program started as a real child process (copied next to the test assembly, run with <see cref="DotnetHost"/>)
/// that writes one line <c>ack &lt;key&gt; &lt;value&gt;</c> on stdout for every request it saw succeed. Crash tests kill
/// it with SIGKILL at random, over and over, and then check that every acknowledged request is in the database.
/// </summary>
public sealed class AcknowledgingChild : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _acknowledged = [];
    private readonly Task _reader;
    private readonly Task<string> _errors;

    private AcknowledgingChild(Process process)
    {
        _process = process;
        _errors = process.StandardError.ReadToEndAsync();
        _reader = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("ack ", StringComparison.Ordinal))
                {
                    lock (_acknowledged)
                    {
                        _acknowledged.Add(line);
                    }
                }
            }
        });
    }

    public int AcknowledgedCount
    {
        get
        {
            lock (_acknowledged)
            {
                return _acknowledged.Count;
            }
        }
    }

    /// <summary>Starts <paramref name="program"/> (a .dll next to the tests, which reference its project) with <paramref name="arguments"/>.</summary>
    public static AcknowledgingChild Start(string program, params IEnumerable<string> arguments)
    {
        var path = Path.Combine(AppContext.BaseDirectory, program);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{program} is not next to the tests; build the test project, which references it.", path);
        }

        var info = new ProcessStartInfo(DotnetHost.Path) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(path);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return new AcknowledgingChild(Process.Start(info) ?? throw new InvalidOperationException($"Could not start {program}."));
    }

    /// <summary>
    /// Starts a child <paramref name="kills"/> times and kills each (SIGKILL) at a random moment once it is under way, then
    /// runs one to the end. Returns every acknowledgement seen, killed runs' included.
    /// </summary>
    public static async Task<List<string>> KillRepeatedlyThenFinishAsync(Func<AcknowledgingChild> start, int kills, TimeSpan finishWithin)
    {
        var acknowledged = new List<string>();
        for (var kill = 0; kill < kills; kill++)
        {
            using var child = start();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (child.AcknowledgedCount < 1 + kill && DateTime.UtcNow < deadline)
            {
                await Task.Delay(5);
            }

            await Task.Delay(Random.Shared.Next(0, 60));
            acknowledged.AddRange(await child.KillAsync());
        }

        using var last = start();
        acknowledged.AddRange(await last.WaitAsync(finishWithin));
        return acknowledged;
    }

    /// <summary>
    /// Checks what crash tests promise: every key has exactly one business row, and every acknowledged key's row is the
    /// one it was acknowledged with (<c>ack &lt;key&gt; &lt;id&gt;</c>). Returns the problems (none when it holds).
    /// </summary>
    /// <param name="rows">The business rows by key: how many, and the smallest id.</param>
    /// <param name="keys">How many keys the children went through.</param>
    /// <param name="acknowledged">The acknowledgements.</param>
    public static List<string> ExactlyOnceProblems(IReadOnlyDictionary<string, (long Count, long Id)> rows, int keys, IEnumerable<string> acknowledged)
    {
        var problems = new List<string>();
        if (rows.Count != keys)
        {
            problems.Add($"{rows.Count} keys have rows, expected {keys}");
        }

        problems.AddRange(rows.Where(r => r.Value.Count != 1).Select(r => $"{r.Key} has {r.Value.Count} rows"));
        foreach (var parts in acknowledged.Select(line => line.Split(' ')))
        {
            if (!rows.TryGetValue(parts[1], out var row))
            {
                problems.Add($"acknowledged {parts[1]} is lost");
            }
            else if (row.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) != parts[2])
            {
                problems.Add($"{parts[1]} was acknowledged with id {parts[2]}, but its row is {row.Id}");
            }
        }

        return problems;
    }

    /// <summary>SIGKILL: no finally block, no rollback from the client; the database sees the process vanish.</summary>
    public async Task<IReadOnlyList<string>> KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        await _reader;
        return Snapshot();
    }

    public async Task<IReadOnlyList<string>> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        await _reader;
        if (_process.ExitCode != 0)
        {
            throw new InvalidOperationException($"The child failed ({_process.ExitCode}): {await _errors}");
        }

        return Snapshot();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private List<string> Snapshot()
    {
        lock (_acknowledged)
        {
            return [.. _acknowledged];
        }
    }
}
