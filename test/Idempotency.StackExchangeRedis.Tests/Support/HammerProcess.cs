using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Idempotency.StackExchangeRedis.Tests;

/// <summary>Runs the Idempotency.Hammer program (copied next to this test assembly by the project reference) as a child process.</summary>
public static class HammerProcess
{
    public sealed record Result(int ExitCode, string[] Lines, string Error)
    {
        public IEnumerable<string> ExecutedKeys => Lines.Where(line => line.StartsWith("EXECUTED ", StringComparison.Ordinal)).Select(line => line["EXECUTED ".Length..]);

        public string Describe() => $"exit {ExitCode}; stdout tail:\n{string.Join('\n', Lines.TakeLast(5))}\nstderr:\n{Error}";
    }

    public static async Task<Result> RunAsync(string connection, string service, int keys, int rounds, TimeSpan timeout)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Idempotency.Hammer.dll");
        Assert.True(File.Exists(dll), $"The hammer program is missing at {dll}: the test project's reference to Idempotency.Hammer should copy it there.");
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { dll, "--store", "redis", "--connection", connection, "--keys", keys.ToString(), "--rounds", rounds.ToString(), "--service", service })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new Result(process.ExitCode, (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), await error);
    }

    // The same dotnet that runs the tests: the CLI exports its path; else the one owning this runtime; else PATH.
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        var name = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "dotnet.exe" : "dotnet";
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var candidate = Path.Combine(root, name);
        return File.Exists(candidate) ? candidate : name;
    }
}
