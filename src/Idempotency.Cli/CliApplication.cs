using System.CommandLine;
using System.CommandLine.Help;
using Idempotency.Cli.Commands;
using Idempotency.Cli.Output;

namespace Idempotency.Cli;

/// <summary>Builds the command tree and runs one command line, mapping every failure to an exit code and one line on stderr.</summary>
internal static class CliApplication
{
    /// <summary>The tool's command name, as installed; the usage line shows it whatever file the process started from.</summary>
    public const string Name = "idempotency";

    public static Command CreateRootCommand(TextWriter output, TextWriter error)
    {
        var console = new CliConsole(output, error);

        // A RootCommand names itself after the executable (Idempotency.Cli, the assembly), so the root is a named
        // command with what RootCommand would add: --help on every verb and --version.
        var root = new Command(Name, "Inspect and administer idempotency records in a Redis, PostgreSQL, SQLite or DynamoDB store.")
        {
            new HelpOption(),
            new VersionOption(),
        };
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
        var json = args.Contains("--json", StringComparer.Ordinal);
        if (parseResult.Errors.Count > 0)
        {
            // Usage errors are exit 2 (System.CommandLine's own default is 1, which here means "not found").
            return await FailAsync(ExitCodes.Usage, "usage: " + string.Join(" ", parseResult.Errors.Select(e => e.Message)) + " (see --help)", json, output, error).ConfigureAwait(false);
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
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return await FailAsync(ExitCodes.Cancelled, "cancelled.", json, output, error).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            var (code, message) = CliErrors.Classify(ex);
            return await FailAsync(code, message, json, output, error).ConfigureAwait(false);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>
    /// One line on stderr; with --json also the error as the one JSON document on stdout, so a script that parses stdout
    /// always gets JSON: <c>{"error": {"exitCode": 3, "message": "store unavailable: …"}}</c>.
    /// </summary>
    private static async Task<int> FailAsync(int code, string message, bool json, TextWriter output, TextWriter error)
    {
        var line = CliErrors.OneLine(message);
        await error.WriteLineAsync(line).ConfigureAwait(false);
        if (json)
        {
            await JsonOutput.WriteAsync(output, writer =>
            {
                writer.WriteStartObject("error");
                writer.WriteNumber("exitCode", code);
                writer.WriteString("message", line["idempotency: ".Length..]);
                writer.WriteEndObject();
            }).ConfigureAwait(false);
        }

        return code;
    }
}
