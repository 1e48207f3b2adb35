using System.CommandLine;
using Idempotency.Cli.Output;
using Idempotency.Cli.Stores;

namespace Idempotency.Cli.Commands;

/// <summary><c>idempotency unstick</c>: releases an in-progress record whose owner is known dead.</summary>
internal static class UnstickCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("unstick", "Release an in-progress record whose owner is dead, so the next call runs at once. Refuses while the lease is live unless --force (exit 5).");
        var store = new StoreOptionSet();
        var key = new KeyOptionSet();
        var force = new Option<bool>("--force") { Description = "Release even though the lease is live: only when the owner is certainly dead." };
        store.AddTo(command);
        key.AddTo(command);
        command.Options.Add(force);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var session = await StoreSession.OpenAsync(store.Read(parseResult), cancellationToken).ConfigureAwait(false);
            var storeKey = key.Resolve(parseResult, session.Administrator);
            var outcome = await session.Administrator.UnstickAsync(storeKey, parseResult.GetValue(force), cancellationToken).ConfigureAwait(false);
            var shown = TerminalText.Safe(storeKey);
            var (name, message, code) = outcome switch
            {
                IdempotencyUnstickOutcome.Released => ("released", $"Released {shown}: the next call with the key runs the operation.", ExitCodes.Ok),
                IdempotencyUnstickOutcome.NotFound => ("not-found", $"No record under {shown}.", ExitCodes.NotFound),
                IdempotencyUnstickOutcome.NotInProgress => ("not-in-progress", $"{shown} is not in progress: nothing to unstick (delete it if it must go).", ExitCodes.Refused),
                IdempotencyUnstickOutcome.LeaseLive => ("lease-live", $"{shown} is held by a live lease: its owner may be running. Use --force only if it is certainly dead.", ExitCodes.Refused),
                _ => ("changed", $"{shown} changed meanwhile (completed or taken over): left alone.", ExitCodes.Refused),
            };
            if (store.Json(parseResult))
            {
                await JsonOutput.WriteAsync(console.Output, writer =>
                {
                    writer.WriteString("outcome", name);
                    writer.WriteString("storeKey", storeKey);
                }).ConfigureAwait(false);
            }
            else
            {
                await console.Output.WriteLineAsync(message).ConfigureAwait(false);
            }

            return code;
        });
        return command;
    }
}
