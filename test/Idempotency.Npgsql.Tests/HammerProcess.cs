using System.Diagnostics;

namespace Idempotency.Npgsql.Tests;

/// <summary>
/// Starts test/Idempotency.Hammer as a separate process. The test project references it, so the build puts
/// Idempotency.Hammer.dll (with its runtimeconfig and deps files) next to the test assembly, whatever the configuration
/// or --artifacts-path.
/// </summary>
internal sealed class HammerProcess : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;

    private HammerProcess(Process process)
    {
        _process = process;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public static string Path
    {
        get
        {
            var path = System.IO.Path.Combine(AppContext.BaseDirectory, "Idempotency.Hammer.dll");
            return File.Exists(path)
                ? path
                : throw new FileNotFoundException($"Idempotency.Hammer.dll is not next to the tests ({AppContext.BaseDirectory}); build test/Idempotency.Npgsql.Tests, which references it.", path);
        }
    }

    public static HammerProcess Start(string connectionString, int keys, int rounds = 3)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { Path, "--store", "postgres", "--connection", connectionString, "--keys", keys.ToString(System.Globalization.CultureInfo.InvariantCulture), "--rounds", rounds.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(argument);
        }

        return new HammerProcess(Process.Start(info) ?? throw new InvalidOperationException("Could not start the hammer."));
    }

    /// <summary>Waits for the process; returns its exit code and output.</summary>
    public async Task<(int ExitCode, string[] Lines, string Errors)> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The hammer did not finish within {timeout}. Errors: {await _stderr}");
        }

        var output = await _stdout;
        return (_process.ExitCode, output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), await _stderr);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    // The host running the tests ('dotnet test' runs them under the same dotnet), so the child uses the same runtime.
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : Environment.ProcessPath is { } current && System.IO.Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
}
