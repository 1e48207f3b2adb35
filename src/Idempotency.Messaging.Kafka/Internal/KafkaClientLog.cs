using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Idempotency.Messaging.Kafka.Internal;

/// <summary>Routes librdkafka's own log lines and errors (consumer and dead-letter producer) to the logger.</summary>
internal sealed class KafkaClientLog(ILogger logger)
{
    public void Write(LogMessage message)
    {
        var level = message.Level switch
        {
            SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical or SyslogLevel.Error => LogLevel.Error,
            SyslogLevel.Warning => LogLevel.Warning,
            SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
            _ => LogLevel.Debug,
        };
        Log.ClientLog(logger, level, message.Name, message.Facility, message.Message);
    }

    // Most client errors are transient (a broker down for a while) and librdkafka recovers on its own.
    public void Error(Error error) =>
        Log.ClientError(logger, error.IsFatal ? LogLevel.Critical : LogLevel.Warning, error.Code.ToString(), error.IsFatal, error.Reason);
}
