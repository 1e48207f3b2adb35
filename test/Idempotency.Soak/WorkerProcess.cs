using System.Diagnostics;
using Idempotency.TestServers;

namespace Idempotency.Soak;

/// <summary>One worker: a real child process (<c>dotnet Idempotency.Soak.dll worker ...</c>) with its own side-effect log.</summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _errors = [];
    private int _disposed;

    private WorkerProcess(Process process, string log)
    {
        _process = process;
        Log = log;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data == "READY")
            {
                _ready.TrySetResult();
            }
            else if (e.Data == "ACTIVE")
            {
                IsActive = true;
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_errors)
                {
                    _errors.Add(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Gets the worker's side-effect log.</summary>
    public string Log { get; }

    /// <summary>Gets whether the driver killed it.</summary>
    public bool Killed { get; private set; }

    /// <summary>Gets whether it printed READY (its store is open).</summary>
    public bool IsReady => _ready.Task.IsCompleted;

    /// <summary>Gets whether the store has answered one of its calls (printed ACTIVE): only such a worker is killed.</summary>
    public bool IsActive { get; private set; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Gets the last lines it wrote to stderr, for reports.</summary>
    public string RecentErrors()
    {
        lock (_errors)
        {
            return string.Join(Environment.NewLine, _errors.TakeLast(10));
        }
    }

    /// <summary>Starts <c>dotnet Idempotency.Soak.dll worker</c> with the arguments.</summary>
    public static WorkerProcess Start(string log, IEnumerable<string> arguments)
    {
        var program = typeof(WorkerProcess).Assembly.Location;
        var start = new ProcessStartInfo(DotnetHost.Path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[program, "worker", "--log", log, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        return new WorkerProcess(Process.Start(start) ?? throw new InvalidOperationException("The worker did not start."), log);
    }

    /// <summary>Waits until the worker's store is open, or the time is up.</summary>
    public async Task<bool> WaitReadyAsync(TimeSpan timeout)
    {
        await Task.WhenAny(_ready.Task, _process.WaitForExitAsync(), Task.Delay(timeout));
        return IsReady;
    }

    /// <summary>kill -9 (Process.Kill sends SIGKILL), and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        Killed = true;
        try
        {
            _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>Asks the worker to finish its calls in flight and exit; kills it when it has not within the timeout.</summary>
    public async Task<bool> StopAsync(TimeSpan timeout)
    {
        try
        {
            await _process.StandardInput.WriteLineAsync("stop");
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // It exited already.
        }

        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
            return false;
        }
    }

    /// <summary>Waits for a worker that ends by itself (the settle worker).</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
            return false;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (!_process.HasExited)
        {
            try
            {
                _process.Kill();
            }
            catch (InvalidOperationException)
            {
                // Gone meanwhile.
            }
        }

        _process.Dispose();
    }
}
