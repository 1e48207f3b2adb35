using System.Net.Sockets;
using Amazon.Runtime;
using Idempotency.Cli.Output;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace Idempotency.Cli;

/// <summary>Maps a failure to an exit code and a one-line message (never a stack trace).</summary>
internal static class CliErrors
{
    public static (int Code, string Message) Classify(Exception exception) => exception switch
    {
        CliUsageException usage => (ExitCodes.Usage, "usage: " + usage.Message),
        NotSupportedException notSupported => (ExitCodes.NotSupported, "not supported by this store: " + notSupported.Message),
        OptionsValidationException invalid => (ExitCodes.Usage, "usage: " + string.Join(" ", invalid.Failures)),
        ArgumentException argument => (ExitCodes.Usage, "usage: " + argument.Message),
        // Not a Ctrl+C (RunAsync answers that): a driver's own timeout (an HTTP client's) surfaces as a cancellation.
        OperationCanceledException => (ExitCodes.StoreUnavailable, "store unavailable: timed out (" + exception.Message + ")"),
        IdempotencyStoreMisconfiguredException or IdempotencyStoreUnavailableException => (ExitCodes.StoreUnavailable, "store unavailable: " + exception.Message),
        RedisException or RedisTimeoutException or NpgsqlException or SqliteException or AmazonServiceException or AmazonClientException
            or HttpRequestException or SocketException or TimeoutException or IOException
            => (ExitCodes.StoreUnavailable, "store unavailable: " + Describe(exception)),
        IdempotencyException => (ExitCodes.StoreUnavailable, "store error: " + exception.Message),
        _ => (ExitCodes.StoreUnavailable, $"failed ({exception.GetType().Name}): {exception.Message}"),
    };

    /// <summary>Errors go to stderr on one line: a script greps them, a person reads the first line anyway.</summary>
    public static string OneLine(string message) =>
        "idempotency: " + TerminalText.Safe(string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));

    // A driver's wrapper message ("Exception while connecting") says less than its cause ("Connection refused").
    private static string Describe(Exception exception) =>
        exception.InnerException is { } inner && !exception.Message.Contains(inner.Message, StringComparison.Ordinal)
            ? $"{exception.Message} ({inner.Message})"
            : exception.Message;
}

/// <summary>A command line that parses but asks for something impossible (caught before touching the store).</summary>
internal sealed class CliUsageException(string message) : Exception(message);
