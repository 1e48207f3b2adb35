using System.Diagnostics;
using Idempotency.TestServers;

namespace Idempotency.Messaging.Nats.Tests;

/// <summary>
/// The crash worker (Idempotency.Messaging.Nats.CrashWorker, copied next to this assembly by the project reference) as a
/// child process: a real consumer process the test can kill with SIGKILL.
/// </summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly System.Text.StringBuilder _output = new();

    private WorkerProcess(IEnumerable<string> arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Idempotency.Messaging.Nats.CrashWorker.dll");
        Assert.True(File.Exists(dll), $"The crash worker is missing at {dll}: the test project's reference to it should copy it there.");
        var start = new ProcessStartInfo(DotnetHost.Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[dll, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Exited += (_, _) => _ready.TrySetException(new InvalidOperationException($"The worker exited ({_process.ExitCode}): {Output}"));
        _process.EnableRaisingEvents = true;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts a worker and waits until its consumer runs.</summary>
    public static async Task<WorkerProcess> StartAsync(IEnumerable<string> arguments)
    {
        var worker = new WorkerProcess(arguments);
        try
        {
            await worker._ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
            return worker;
        }
        catch
        {
            worker.Dispose();
            throw;
        }
    }

    /// <summary><c>kill -9</c>: no handler finishes, no claim is released, no answer reaches JetStream.</summary>
    public void KillHard()
    {
        if (!_process.HasExited)
        {
            _process.Kill(); // SIGKILL on Unix
            _process.WaitForExit(10_000);
        }
    }

    public void Dispose()
    {
        KillHard();
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line == "READY")
        {
            _ready.TrySetResult();
        }
    }
}
