using System.Diagnostics;
using Idempotency.TestServers;

namespace Idempotency.Npgsql.Transactions.Tests;

/// <summary>Starts test/Idempotency.Npgsql.Transactions.CrashChild (copied next to the tests) and collects its acknowledgements.</summary>
internal sealed class CrashChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _acknowledged = [];
    private readonly Task _reader;
    private readonly Task<string> _errors;

    private CrashChildProcess(Process process)
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

    public static CrashChildProcess Start(string connectionString, string table, string orders, int keys, int workers)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Idempotency.Npgsql.Transactions.CrashChild.dll");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException("The crash child is not next to the tests; build test/Idempotency.Npgsql.Transactions.Tests, which references it.", path);
        }

        var info = new ProcessStartInfo(DotnetHost.Path) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { path, connectionString, table, orders, keys.ToString(System.Globalization.CultureInfo.InvariantCulture), workers.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(argument);
        }

        return new CrashChildProcess(Process.Start(info) ?? throw new InvalidOperationException("Could not start the crash child."));
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

    /// <summary>SIGKILL: no finally block, no rollback from the client; the server sees the socket close.</summary>
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
        Assert.True(_process.ExitCode == 0, $"The crash child failed ({_process.ExitCode}): {await _errors}");
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
