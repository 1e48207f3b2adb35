using Microsoft.Extensions.Logging;

namespace Idempotency.Sqlite;

/// <summary>The SQLite store's log events (ids 2101–2199). Shipped names are a contract; keys are never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(2101, LogLevel.Information, "Idempotency table {Table} in {DataSource} is ready (created when it was missing)", EventName = "SqliteTableReady")]
    public static partial void TableReady(ILogger logger, string table, string dataSource);

    [LoggerMessage(2102, LogLevel.Debug, "Purged {Count} expired idempotency records from {Table}", EventName = "SqlitePurged")]
    public static partial void Purged(ILogger logger, long count, string table);

    [LoggerMessage(2103, LogLevel.Warning, "Purging expired idempotency records from {Table} failed; trying again in {Interval}", EventName = "SqlitePurgeFailed")]
    public static partial void PurgeFailed(ILogger logger, Exception exception, string table, TimeSpan interval);
}
