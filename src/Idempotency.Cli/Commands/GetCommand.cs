using System.CommandLine;
using Idempotency.Cli.Output;
using Idempotency.Cli.Stores;

namespace Idempotency.Cli.Commands;

/// <summary><c>idempotency get</c>: shows one record.</summary>
internal static class GetCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("get", "Show one record: status, age, lease, expiry, payload size and a redacted preview. Exit 1 when absent or expired.");
        var store = new StoreOptionSet();
        var key = new KeyOptionSet();
        store.AddTo(command);
        key.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var session = await StoreSession.OpenAsync(store.Read(parseResult), cancellationToken).ConfigureAwait(false);
            var storeKey = key.Resolve(parseResult, session.Administrator);
            var now = console.Clock.GetUtcNow();
            var record = await session.Store.GetAsync(storeKey, now, cancellationToken).ConfigureAwait(false);
            var view = record is null ? null : RecordView.From(record, now);
            if (store.Json(parseResult))
            {
                await JsonOutput.WriteAsync(console.Output, writer =>
                {
                    writer.WriteBoolean("found", view is not null);
                    writer.WriteString("storeKey", storeKey);
                    if (view is not null)
                    {
                        writer.WritePropertyName("record");
                        JsonOutput.WriteRecord(writer, view);
                    }
                }).ConfigureAwait(false);
            }
            else if (view is not null)
            {
                console.CreateOutputConsole().Write(RecordTables.One(view));
            }
            else
            {
                await console.Output.WriteLineAsync($"No record under {TerminalText.Safe(storeKey)} (absent or expired).").ConfigureAwait(false);
            }

            return view is null ? ExitCodes.NotFound : ExitCodes.Ok;
        });
        return command;
    }
}
