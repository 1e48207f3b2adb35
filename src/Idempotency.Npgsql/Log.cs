using Microsoft.Extensions.Logging;

namespace Idempotency.Npgsql;

/// <summary>The PostgreSQL store's log events (ids 2001–2099). Shipped names are a contract; keys are never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(2001, LogLevel.Information, "Idempotency table {Table} is ready (created when it was missing)", EventName = "NpgsqlTableReady")]
    public static partial void TableReady(ILogger logger, string table);

    [LoggerMessage(2002, LogLevel.Debug, "Purged {Count} expired idempotency records from {Table}", EventName = "NpgsqlPurged")]
    public static partial void Purged(ILogger logger, long count, string table);

    [LoggerMessage(2003, LogLevel.Warning, "Purging expired idempotency records from {Table} failed; trying again in {Interval}", EventName = "NpgsqlPurgeFailed")]
    public static partial void PurgeFailed(ILogger logger, Exception exception, string table, TimeSpan interval);
}
