using System.Collections.Concurrent;
using System.Diagnostics;
using Idempotency.TestServers;

namespace Idempotency.Messaging.RabbitMQ.Tests;

/// <summary>The child consumer program (copied next to this assembly by the project reference) running as a separate process.</summary>
internal sealed class ChildConsumer : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _errors = new();

    private ChildConsumer(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Add(_lines, e.Data);
        process.ErrorDataReceived += (_, e) => Add(_errors, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public static ChildConsumer Start(params string[] arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Idempotency.Messaging.RabbitMQ.ChildConsumer.dll");
        Assert.True(File.Exists(dll), $"The child consumer is missing at {dll}: the test project's reference should copy it there.");
        var start = new ProcessStartInfo(DotnetHost.Path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[dll, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        return new ChildConsumer(Process.Start(start)!);
    }

    public Task WaitForLineAsync(string line, TimeSpan timeout) =>
        Events.EventuallyAsync(() => _lines.Contains(line) || _process.HasExited, timeout, Describe)
            .ContinueWith(t => Assert.True(_lines.Contains(line), $"The child ended before printing {line}. {Describe()}"), TaskScheduler.Default);

    /// <summary>SIGKILL: the process dies at once, mid-handler, without a chance to release, complete or answer anything.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>Asks the consumer to stop cleanly and waits for it.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        await _process.StandardInput.WriteLineAsync("stop");
        await _process.WaitForExitAsync().WaitAsync(timeout);
        Assert.True(_process.ExitCode == 0, Describe());
    }

    public string Describe() => $"stdout: {string.Join(" | ", _lines)}; stderr: {string.Join(Environment.NewLine, _errors.TakeLast(20))}";

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
    }

    private static void Add(ConcurrentQueue<string> lines, string? line)
    {
        if (line is not null)
        {
            lines.Enqueue(line);
        }
    }
}
