using Microsoft.Extensions.Logging;

namespace Idempotency.Functions;

/// <summary>The function handlers' log events (ids from 401; the engine's own events, 1-99, cover claims and store calls).</summary>
internal static partial class Log
{
    [LoggerMessage(401, LogLevel.Debug, "Invocation of {Operation} (function policy {Policy}): {Outcome}; lease bounded by {LeaseBound}", EventName = "FunctionInvoked")]
    public static partial void Invoked(ILogger logger, string operation, string policy, string outcome, string leaseBound);
}
