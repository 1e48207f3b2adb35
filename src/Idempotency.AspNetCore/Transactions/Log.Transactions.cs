using Microsoft.Extensions.Logging;

namespace Idempotency.AspNetCore;

// The transactional endpoints' events, kept apart from the middleware's (ids from 150).
internal static partial class Log
{
    [LoggerMessage(150, LogLevel.Warning, "The database transaction of {Method} {Path} did not commit; nothing of the request was kept and it was answered 503", EventName = "TransactionNotCommitted")]
    public static partial void TransactionNotCommitted(ILogger logger, Exception? exception, string method, string path);
}
