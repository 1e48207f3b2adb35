using System.Diagnostics;
using System.Text;

namespace Idempotency.TestServers;

/// <summary>Runs a short-lived tool (initdb, pg_ctl, pg_isready, redis-cli, kill) to completion and fails with its output when it fails.</summary>
public static class ToolProcess
{
    public static async Task<string> RunAsync(ProcessStartInfo info, TimeSpan timeout, bool throwOnFailure = true)
    {
        info.UseShellExecute = false;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {info.FileName}.");
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Describe(info)} did not finish within {timeout}.");
        }

        output.Append(await stdout).Append(await stderr);
        if (throwOnFailure && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Describe(info)} exited with {process.ExitCode}: {output}");
        }

        return process.ExitCode == 0 ? output.ToString() : string.Empty;
    }

    public static async Task<bool> SucceedsAsync(ProcessStartInfo info, TimeSpan timeout)
    {
        info.UseShellExecute = false;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {info.FileName}.");
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
            return process.ExitCode == 0;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return false;
        }
    }

    private static string Describe(ProcessStartInfo info) => $"'{info.FileName} {string.Join(' ', info.ArgumentList)}'";
}
