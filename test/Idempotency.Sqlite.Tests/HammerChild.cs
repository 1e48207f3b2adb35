using System.Diagnostics;
using System.Globalization;
using Idempotency.TestServers;

namespace Idempotency.Sqlite.Tests;

/// <summary>
/// test/Idempotency.Hammer as a real child process on a SQLite file. The test project references it, so the build puts
/// Idempotency.Hammer.dll next to the test assembly. Its side effects go to an effects file of its own (flushed per
/// line, so they survive a kill -9); its output is read line by line so the test sees "READY" as it comes.
/// </summary>
internal sealed class HammerChild : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _stdout;
    private readonly Task<string> _stderr;
    private readonly List<string> _lines = [];

    private HammerChild(Process process, string effectsPath)
    {
        _process = process;
        EffectsPath = effectsPath;
        _stdout = Task.Run(ReadOutputAsync);
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public string EffectsPath { get; }

    public static HammerChild Start(SqliteFile file, string effectsPath, string service, int keys, int rounds)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Idempotency.Hammer.dll");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Idempotency.Hammer.dll is not next to the tests ({AppContext.BaseDirectory}); build test/Idempotency.Sqlite.Tests, which references it.", path);
        }

        var info = new ProcessStartInfo(DotnetHost.Path) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            path, "--store", "sqlite", "--connection", file.ConnectionString, "--service", service, "--effects", effectsPath,
            "--keys", keys.ToString(CultureInfo.InvariantCulture), "--rounds", rounds.ToString(CultureInfo.InvariantCulture),
        })
        {
            info.ArgumentList.Add(argument);
        }

        return new HammerChild(Process.Start(info) ?? throw new InvalidOperationException("Could not start the hammer."), effectsPath);
    }

    /// <summary>Waits until the child has opened the store.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var finished = await Task.WhenAny(_ready.Task, _process.WaitForExitAsync(), Task.Delay(timeout));
        if (finished != _ready.Task)
        {
            throw new TimeoutException($"The hammer did not get ready within {timeout}. Errors: {(_process.HasExited ? await _stderr : "(running)")}");
        }
    }

    /// <summary>Waits for the child to exit; returns its exit code, its "DONE" line and its errors.</summary>
    public async Task<(int ExitCode, string Done, string Errors)> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"The hammer did not finish within {timeout}.");
        }

        await _stdout;
        var errors = await _stderr;
        lock (_lines)
        {
            return (_process.ExitCode, _lines.SingleOrDefault(l => l.StartsWith("DONE ", StringComparison.Ordinal)) ?? "", errors);
        }
    }

    /// <summary>SIGKILL on Unix (TerminateProcess on Windows): no finally block, no flush, no checkpoint runs.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
    }

    /// <summary>The effects the child logged: keys whose operation ran, and keys whose result it saw stored.</summary>
    public (HashSet<string> Executed, HashSet<string> Completed, int ExecutedLines) ReadEffects()
    {
        var lines = File.Exists(EffectsPath) ? File.ReadAllLines(EffectsPath) : [];

        // A kill can cut the last line short; only whole lines count.
        var whole = lines.Where(l => l.StartsWith("EXECUTED key-", StringComparison.Ordinal) || l.StartsWith("COMPLETED key-", StringComparison.Ordinal)).ToList();
        var executed = whole.Where(l => l.StartsWith("EXECUTED ", StringComparison.Ordinal)).Select(l => l["EXECUTED ".Length..]).ToList();
        return (executed.ToHashSet(StringComparer.Ordinal), whole.Where(l => l.StartsWith("COMPLETED ", StringComparison.Ordinal)).Select(l => l["COMPLETED ".Length..]).ToHashSet(StringComparer.Ordinal), executed.Count);
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private async Task ReadOutputAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line == "READY")
            {
                _ready.TrySetResult();
            }
            else if (line.StartsWith("DONE ", StringComparison.Ordinal))
            {
                lock (_lines)
                {
                    _lines.Add(line);
                }
            }
        }
    }
}
