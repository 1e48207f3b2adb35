using System.CommandLine;
using Idempotency.Cli.Output;
using Idempotency.Cli.Stores;

namespace Idempotency.Cli.Commands;

/// <summary><c>idempotency list</c>: one page of live records, newest first where the store can.</summary>
internal static class ListCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("list", "List one page of live records, newest first where the store can; --continuation reads the next page.");
        var store = new StoreOptionSet();
        var status = new Option<string?>("--status") { Description = "Only records of this status: in-progress, completed or failed." };
        status.AcceptOnlyFromAmong("in-progress", "completed", "failed");
        var limit = new Option<int>("--limit") { Description = "The most records in the page (1 to 1000).", DefaultValueFactory = _ => 50 };
        IntRange.Accept(limit, 1, 1000, "--limit must be between 1 and 1000.");
        var continuation = new Option<string?>("--continuation") { Description = "The continuation printed by the previous page." };
        store.AddTo(command);
        command.Options.Add(status);
        command.Options.Add(limit);
        command.Options.Add(continuation);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var statusFilter = parseResult.GetValue(status) switch
            {
                "in-progress" => IdempotencyRecordStatus.InProgress,
                "completed" => IdempotencyRecordStatus.Completed,
                "failed" => IdempotencyRecordStatus.Failed,
                _ => (IdempotencyRecordStatus?)null,
            };
            await using var session = await StoreSession.OpenAsync(store.Read(parseResult), cancellationToken).ConfigureAwait(false);
            var page = await session.Administrator.ListAsync(statusFilter, parseResult.GetValue(limit), parseResult.GetValue(continuation), cancellationToken).ConfigureAwait(false);
            var now = console.Clock.GetUtcNow();
            var records = page.Records.Select(record => RecordView.From(record, now)).ToList();
            if (store.Json(parseResult))
            {
                await JsonOutput.WriteAsync(console.Output, writer =>
                {
                    writer.WriteStartArray("records");
                    foreach (var record in records)
                    {
                        JsonOutput.WriteRecord(writer, record);
                    }

                    writer.WriteEndArray();
                    writer.WriteString("continuation", page.Continuation);
                }).ConfigureAwait(false);
            }
            else
            {
                console.CreateOutputConsole().Write(RecordTables.Many(records));
                await console.Output.WriteLineAsync(page.Continuation is { } next
                    ? $"{Counted.Of(records.Count, "record")}; more with --continuation {TerminalText.Safe(next)}"
                    : $"{Counted.Of(records.Count, "record")}; no more pages.").ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
