using System.CommandLine;
using Idempotency.Cli.Commands;

namespace Idempotency.Cli;

/// <summary>Builds the command tree and runs one command line, mapping every failure to an exit code and one line on stderr.</summary>
internal static class CliApplication
{
    public static RootCommand CreateRootCommand(TextWriter output, TextWriter error)
    {
        var console = new CliConsole(output, error);
        var root = new RootCommand("Inspect and administer idempotency records in a Redis, PostgreSQL, SQLite or DynamoDB store.");
        root.Subcommands.Add(GetCommand.Create(console));
        root.Subcommands.Add(DeleteCommand.Create(console));
        root.Subcommands.Add(ListCommand.Create(console));
        root.Subcommands.Add(StatsCommand.Create(console));
        root.Subcommands.Add(PurgeCommand.Create(console));
        root.Subcommands.Add(UnstickCommand.Create(console));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var root = CreateRootCommand(output, error);
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            // Usage errors are exit 2 (System.CommandLine's own default is 1, which here means "not found").
            await error.WriteLineAsync(CliErrors.OneLine("usage: " + string.Join(" ", parseResult.Errors.Select(e => e.Message)) + " (see --help)")).ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return await parseResult.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, cancellation.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            var (code, message) = CliErrors.Classify(ex);
            await error.WriteLineAsync(CliErrors.OneLine(message)).ConfigureAwait(false);
            return code;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
