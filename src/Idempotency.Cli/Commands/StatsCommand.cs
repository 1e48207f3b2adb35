using System.CommandLine;
using System.Globalization;
using Idempotency.Cli.Output;
using Idempotency.Cli.Stores;
using Spectre.Console;

namespace Idempotency.Cli.Commands;

/// <summary><c>idempotency stats</c>: counts live records by status.</summary>
internal static class StatsCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("stats", "Count live (unexpired) records by status.");
        var store = new StoreOptionSet();
        store.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var session = await StoreSession.OpenAsync(store.Read(parseResult), cancellationToken).ConfigureAwait(false);
            var counts = await session.Administrator.CountByStatusAsync(cancellationToken).ConfigureAwait(false);
            long Count(IdempotencyRecordStatus status) => counts.TryGetValue(status, out var count) ? count : 0;
            var inProgress = Count(IdempotencyRecordStatus.InProgress);
            var completed = Count(IdempotencyRecordStatus.Completed);
            var failed = Count(IdempotencyRecordStatus.Failed);
            if (store.Json(parseResult))
            {
                await JsonOutput.WriteAsync(console.Output, writer =>
                {
                    writer.WriteNumber("inProgress", inProgress);
                    writer.WriteNumber("completed", completed);
                    writer.WriteNumber("failed", failed);
                    writer.WriteNumber("total", inProgress + completed + failed);
                }).ConfigureAwait(false);
            }
            else
            {
                var table = new Table().AddColumn("Status").AddColumn(new TableColumn("Records").RightAligned());
                foreach (var (name, count) in new[] { ("in-progress", inProgress), ("completed", completed), ("failed", failed), ("total", inProgress + completed + failed) })
                {
                    table.AddRow(new Text(name), new Text(count.ToString(CultureInfo.InvariantCulture)));
                }

                console.CreateOutputConsole().Write(table);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
