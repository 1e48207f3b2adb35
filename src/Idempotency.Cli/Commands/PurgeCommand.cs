using System.CommandLine;
using Idempotency.Cli.Output;
using Idempotency.Cli.Stores;
using Spectre.Console;

namespace Idempotency.Cli.Commands;

/// <summary><c>idempotency purge</c>: deletes expired records, batch after batch, until none is left or --max-batches.</summary>
internal static class PurgeCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("purge", "Delete expired records in batches until a batch finds fewer than --batch-size (none left) or --max-batches have run.");
        var store = new StoreOptionSet();
        var batchSize = new Option<int>("--batch-size") { Description = "The most records one batch deletes.", DefaultValueFactory = _ => 1000 };
        var maxBatches = new Option<int>("--max-batches") { Description = "The most batches to run.", DefaultValueFactory = _ => 1000 };
        // A batch is one delete statement (or one SCAN pass on Redis): bounded so one batch cannot hold the store long.
        IntRange.Accept(batchSize, 1, 100_000, "--batch-size must be between 1 and 100000.");
        IntRange.Accept(maxBatches, 1, int.MaxValue, "--max-batches must be a whole number of at least 1.");

        store.AddTo(command);
        command.Options.Add(batchSize);
        command.Options.Add(maxBatches);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var session = await StoreSession.OpenAsync(store.Read(parseResult), cancellationToken).ConfigureAwait(false);
            var purge = new PurgeLoop(session.Administrator, parseResult.GetValue(batchSize), parseResult.GetValue(maxBatches));
            var cancelled = false;
            try
            {
                if (console.CreateProgressConsole() is { } progressConsole && !store.Json(parseResult))
                {
                    await progressConsole.Progress().AutoClear(true).StartAsync(async context =>
                    {
                        var task = context.AddTask("Purging expired records").IsIndeterminate();
                        await purge.RunAsync(() => task.Description = $"Purged {Counted.Of(purge.Deleted, "record")} in {Counted.Of(purge.Batches, "batch", "batches")}", cancellationToken).ConfigureAwait(false);
                        task.StopTask();
                    }).ConfigureAwait(false);
                }
                else
                {
                    await purge.RunAsync(static () => { }, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C between or during batches: each batch is its own delete, so what ran is done; say how much.
                cancelled = true;
            }

            if (store.Json(parseResult))
            {
                await JsonOutput.WriteAsync(console.Output, writer =>
                {
                    writer.WriteNumber("deleted", purge.Deleted);
                    writer.WriteNumber("batches", purge.Batches);
                    writer.WriteBoolean("complete", purge.Complete);
                    writer.WriteBoolean("cancelled", cancelled);
                }).ConfigureAwait(false);
            }
            else
            {
                var done = $"Purged {Counted.Of(purge.Deleted, "expired record")} in {Counted.Of(purge.Batches, "batch", "batches")}";
                await console.Output.WriteLineAsync(
                    cancelled ? $"Cancelled. {done}; more may be left."
                    : purge.Complete ? $"{done}; none left."
                    : $"{done}; stopped at --max-batches, more may be left.").ConfigureAwait(false);
            }

            return cancelled ? ExitCodes.Cancelled : ExitCodes.Ok;
        });
        return command;
    }

    private sealed class PurgeLoop(IIdempotencyAdministrator administrator, int batchSize, int maxBatches)
    {
        public long Deleted { get; private set; }

        public int Batches { get; private set; }

        public bool Complete { get; private set; }

        public async Task RunAsync(Action onBatch, CancellationToken cancellationToken)
        {
            while (Batches < maxBatches)
            {
                var deleted = await administrator.PurgeExpiredAsync(batchSize, cancellationToken).ConfigureAwait(false);
                Batches++;
                Deleted += deleted;
                onBatch();

                // A batch that found fewer than it could delete found them all (as the stores' own purge loops decide).
                if (deleted < batchSize)
                {
                    Complete = true;
                    return;
                }
            }
        }
    }
}
