using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace Idempotency.Messaging.Kafka.Internal;

/// <summary>
/// Sends poison records to the dead-letter topic (the record's key, value and headers, plus why and where from) and/or
/// the dead-letter callback. A record is committed only after this returns.
/// </summary>
internal sealed class KafkaDeadLetters : IDisposable
{
    public const string ReasonHeader = "dead-letter-reason";
    public const string OutcomeHeader = "dead-letter-outcome";
    public const string HandlerHeader = "dead-letter-handler";
    public const string SourceHeader = "dead-letter-source";

    // The consumer settings a producer to the same cluster needs; the consumer-only ones would only make librdkafka warn.
    private static readonly string[] ConnectionSettings = ["bootstrap.servers", "client.id", "security.", "sasl.", "ssl.", "socket.", "broker.address."];

    private readonly KafkaConsumerOptions _options;
    private readonly IProducer<byte[]?, byte[]?>? _producer;

    public KafkaDeadLetters(KafkaConsumerOptions options, KafkaClientLog clientLog)
    {
        _options = options;
        if (options.DeadLetterTopic is not null)
        {
            _producer = new ProducerBuilder<byte[]?, byte[]?>(options.DeadLetterProducer ?? ProducerConfigFor(options.ConsumerConfig))
                .SetLogHandler((_, message) => clientLog.Write(message))
                .SetErrorHandler((_, error) => clientLog.Error(error))
                .Build();
        }
    }

    public async ValueTask SendAsync(KafkaDeadLetter dead, CancellationToken cancellationToken)
    {
        if (_producer is not null)
        {
            var record = dead.Record;
            var headers = new Headers();
            foreach (var header in record.Message.Headers ?? [])
            {
                headers.Add(header.Key, header.GetValueBytes());
            }

            headers.Add(ReasonHeader, Encoding.UTF8.GetBytes(dead.Reason));
            headers.Add(OutcomeHeader, Encoding.UTF8.GetBytes((dead.Result?.Outcome ?? MessageOutcome.Failed).ToString()));
            if (dead.Handler is { } handler)
            {
                headers.Add(HandlerHeader, Encoding.UTF8.GetBytes(handler));
            }

            headers.Add(SourceHeader, Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{record.Topic}/{record.Partition.Value}/{record.Offset.Value}")));
            var message = new Message<byte[]?, byte[]?> { Key = record.Message.Key, Value = record.Message.Value, Headers = headers };
            await _producer.ProduceAsync(_options.DeadLetterTopic, message, cancellationToken).ConfigureAwait(false);
        }

        if (_options.OnDeadLetter is { } callback)
        {
            await callback(dead, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _producer?.Flush(TimeSpan.FromSeconds(5));
        _producer?.Dispose();
    }

    internal static ProducerConfig ProducerConfigFor(ConsumerConfig consumer)
    {
        var settings = consumer.Where(setting => ConnectionSettings.Any(prefix => setting.Key.StartsWith(prefix, StringComparison.Ordinal)));
        return new ProducerConfig(settings.ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal))
        {
            EnableIdempotence = true,
        };
    }
}
