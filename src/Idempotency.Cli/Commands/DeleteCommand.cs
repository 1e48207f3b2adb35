using System.CommandLine;
using Idempotency.Cli.Output;
using Idempotency.Cli.Stores;

namespace Idempotency.Cli.Commands;

/// <summary><c>idempotency delete</c>: deletes one record, so the next call with its key runs the operation again.</summary>
internal static class DeleteCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("delete", "Delete one record (for example a failed one) so the next call with the key runs again. Exit 1 when there was none.");
        var store = new StoreOptionSet();
        var key = new KeyOptionSet();
        store.AddTo(command);
        key.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var session = await StoreSession.OpenAsync(store.Read(parseResult), cancellationToken).ConfigureAwait(false);
            var storeKey = key.Resolve(parseResult, session.Administrator);
            var deleted = await session.Store.DeleteAsync(storeKey, cancellationToken).ConfigureAwait(false);
            if (store.Json(parseResult))
            {
                await JsonOutput.WriteAsync(console.Output, writer =>
                {
                    writer.WriteBoolean("deleted", deleted);
                    writer.WriteString("storeKey", storeKey);
                }).ConfigureAwait(false);
            }
            else
            {
                await console.Output.WriteLineAsync(deleted ? $"Deleted {TerminalText.Safe(storeKey)}." : $"No record under {TerminalText.Safe(storeKey)}.").ConfigureAwait(false);
            }

            return deleted ? ExitCodes.Ok : ExitCodes.NotFound;
        });
        return command;
    }
}
