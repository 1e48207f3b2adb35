using System.Diagnostics;
using Idempotency.TestServers;

namespace Idempotency.Cli.Tests;

/// <summary>One run of the built tool as a child process: 'dotnet Idempotency.Cli.dll args…' from the test's output folder.</summary>
internal sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(90);

    public static string ToolPath => Path.Combine(AppContext.BaseDirectory, "Idempotency.Cli.dll");

    public static Task<CliRun> RunAsync(params string[] args) => RunAsync(DotnetHost.Path, [ToolPath, .. args]);

    /// <summary>Runs the tool with extra environment variables.</summary>
    public static Task<CliRun> RunWithEnvironmentAsync(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunAsync(DotnetHost.Path, [ToolPath, .. args], environment: environment);

    public static async Task<CliRun> RunAsync(string fileName, IEnumerable<string> args, TimeSpan? timeout = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var info = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // No colours or terminal sizing from whoever runs the tests.
        info.Environment["NO_COLOR"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{fileName} {string.Join(' ', args)}' did not finish within {limit}: {await stdout}{await stderr}");
        }

        return new CliRun(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Asserts the exit code, showing both streams when it differs.</summary>
    public CliRun Exits(int expected)
    {
        Assert.True(ExitCode == expected, $"Exit code {ExitCode}, expected {expected}.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        return this;
    }

    /// <summary>Asserts a failure: one line on stderr, no stack trace, nothing on stdout.</summary>
    public CliRun FailsWith(int expected, string fragment)
    {
        Exits(expected);
        var lines = Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"Expected one line on stderr:\n{Stderr}");
        Assert.StartsWith("idempotency: ", lines[0]);
        Assert.Contains(fragment, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, Stdout);
        return this;
    }

    public System.Text.Json.JsonElement Json()
    {
        Assert.Equal(string.Empty, Stderr);
        using var document = System.Text.Json.JsonDocument.Parse(Stdout);
        return document.RootElement.Clone();
    }
}
