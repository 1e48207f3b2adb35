using System.Diagnostics;
using Idempotency.TestServers;

namespace Idempotency.DynamoDB.Tests;

/// <summary>
/// samples/FunctionsDemo (copied next to the tests) run as a real process against the fixture's dynalite: every distinct
/// event must run exactly once through the DynamoDB store, and a second run on the same table starts from no records.
/// </summary>
[Collection(DynaliteCollection.Name)]
public sealed class FunctionsDemoTests(DynaliteFixture dynalite)
{
    [Fact]
    public async Task DynamoDbStore_TwoRunsOnOneTable_EachRunsEveryDistinctEventOnce()
    {
        var table = $"demo-{Guid.NewGuid():N}";

        for (var run = 1; run <= 2; run++)
        {
            var (exitCode, output) = await RunDemoAsync("--store", "dynamodb", "--service-url", dynalite.Server.ServiceUrl, "--table", table);

            Assert.True(exitCode == 0, $"run {run} exited with {exitCode}:\n{output}");
            Assert.Contains($"DynamoDB table '{table}'", output, StringComparison.Ordinal);
            Assert.Matches(@"distinct events\s+37\b", output);
            Assert.Matches(@"handler runs completed\s+37\b", output);
            Assert.Matches(@"5 concurrent deliveries\s+1 run, 4 replayed, results identical: yes", output);
            Assert.Contains("retry right after the timeout      Executed", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task DynamoDbStore_NoServiceUrl_ExitsWithUsage()
    {
        var (exitCode, output) = await RunDemoAsync("--store", "dynamodb");

        Assert.Equal(2, exitCode);
        Assert.Contains("--store dynamodb needs --service-url", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DynamoDbStore_NothingListening_ExitsWithStoreUnavailable()
    {
        var (exitCode, output) = await RunDemoAsync("--store", "dynamodb", "--service-url", $"http://127.0.0.1:{LoopbackPort.GetFree()}");

        Assert.Equal(3, exitCode);
        Assert.Contains("The store is unavailable", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunDemoAsync(params string[] arguments)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "FunctionsDemo.dll");
        Assert.True(File.Exists(path), $"{path} is missing: build test/Idempotency.DynamoDB.Tests, which references samples/FunctionsDemo.");
        var info = new ProcessStartInfo(DotnetHost.Path) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(path);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        // About 20 s on a quiet 2-core machine; a machine loaded by other test projects (dynalite answers slowly then)
        // has taken over 2 minutes. A run still going after 5 minutes is stuck: it fails with what it printed.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"FunctionsDemo {string.Join(' ', arguments)} was still running after 5 minutes. It printed:\n{await output}{await errors}");
        }

        return (process.ExitCode, await output + await errors);
    }
}
