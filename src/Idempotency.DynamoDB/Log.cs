using Microsoft.Extensions.Logging;

namespace Idempotency.DynamoDB;

/// <summary>The DynamoDB store's log events (ids 2101–2199). Shipped names are a contract; keys are never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(2201, LogLevel.Information, "Idempotency table {Table} is ready (created when it was missing; native TTL {NativeTtl})", EventName = "DynamoDbTableReady")]
    public static partial void TableReady(ILogger logger, string table, string nativeTtl);

    [LoggerMessage(2202, LogLevel.Warning, "The DynamoDB endpoint does not support TTL ({Table}): expired idempotency records are never deleted natively (they are still treated as expired)", EventName = "DynamoDbTimeToLiveUnsupported")]
    public static partial void TimeToLiveUnsupported(ILogger logger, string table);
}
