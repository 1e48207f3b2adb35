namespace Idempotency.Cli.Tests;

/// <summary>Command lines the tool refuses before touching any store: exit 2, one line on stderr.</summary>
public sealed class UsageTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("get --connection x --store-key k", "--store")]
    [InlineData("get --store mongo --connection x --store-key k", "mongo")]
    [InlineData("get --store sqlite --store-key k", "--connection")]
    [InlineData("get --store sqlite --connection x", "exactly one of --key and --store-key")]
    [InlineData("get --store sqlite --connection x --key k --store-key s", "exactly one of --key and --store-key")]
    [InlineData("delete --store sqlite --connection x --key k", "--key needs --operation")]
    [InlineData("unstick --store sqlite --connection x --store-key s --operation o", "leave out --operation and --scope")]
    [InlineData("stats --store sqlite --connection x --schema s", "--schema is for --store postgres")]
    [InlineData("stats --store postgres --connection x --redis-instance s", "--redis-instance is for --store redis")]
    [InlineData("stats --store redis --connection x --table t", "--table is not for --store redis")]
    [InlineData("list --store sqlite --connection x --limit 0", "--limit must be between 1 and 1000")]
    [InlineData("list --store sqlite --connection x --status done", "done")]
    [InlineData("purge --store sqlite --connection x --batch-size 0", "--batch-size must be between 1 and 100000")]
    [InlineData("frobnicate", "frobnicate")]
    public async Task BadCommandLine_ExitsTwo(string commandLine, string fragment)
    {
        (await CliRun.RunAsync(commandLine.Split(' '))).FailsWith(2, fragment);
    }

    [Fact]
    public async Task InvalidServiceName_ExitsTwo_WithTheOptionsMessage()
    {
        (await CliRun.RunAsync("stats", "--store", "sqlite", "--connection", _folder.File("x.db"), "--service", "a:b")).FailsWith(2, "ServiceName must be");
    }

    [Fact]
    public async Task InvalidOperationName_ExitsTwo()
    {
        (await CliRun.RunAsync("get", "--store", "sqlite", "--connection", _folder.File("x.db"), "--operation", "a:b", "--key", "k")).FailsWith(2, "Invalid operation name");
    }

    [Fact]
    public async Task Help_ListsEveryVerb_AndExitsZero()
    {
        var run = (await CliRun.RunAsync("--help")).Exits(0);

        foreach (var verb in new[] { "get", "delete", "list", "stats", "purge", "unstick" })
        {
            Assert.Matches($@"(?m)^  {verb}\s", run.Stdout);
        }
    }
}
