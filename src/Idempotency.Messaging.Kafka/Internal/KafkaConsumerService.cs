using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Idempotency.Messaging.Kafka.Internal;

/// <summary>
/// Runs the poll loop on its own thread (Confluent.Kafka's <c>Consume</c> blocks) from start until stop. Creating it
/// reads both option sets, so a misconfiguration, a record TTL shorter than the retry horizon included, fails start-up.
/// </summary>
internal sealed class KafkaConsumerService : IHostedService, IDisposable
{
    private readonly KafkaConsumerOptions _options;
    private readonly IIdempotentConsumer _consumer;
    private readonly int _maxDeliveries;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private KafkaDeadLetters? _deadLetters;
    private KafkaPollLoop? _loop;
    private Task? _run;

    public KafkaConsumerService(IOptions<KafkaConsumerOptions> options, IOptions<IdempotentConsumerOptions> consumerOptions, IIdempotentConsumer consumer, IServiceProvider services, ILoggerFactory? loggerFactory = null)
    {
        _options = options.Value;
        _maxDeliveries = consumerOptions.Value.MaxDeliveries; // reading the options runs the retry-horizon check
        _consumer = consumer;
        _services = services;
        _logger = (ILogger?)loggerFactory?.CreateLogger("Idempotency.Messaging.Kafka") ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var clientLog = new KafkaClientLog(_logger);
        _deadLetters = new KafkaDeadLetters(_options, clientLog);
        var processor = new KafkaRecordProcessor(_consumer, _options, _maxDeliveries, _deadLetters, _services, _logger);
        _loop = new KafkaPollLoop(_options, processor, clientLog, _logger);
        var loop = _loop;
        _run = Task.Factory.StartNew(
            () =>
            {
                try
                {
                    loop.Run(_stopping.Token);
                }
                catch (Exception ex)
                {
                    Log.Failed(_logger, ex);
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_run is null)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);

        // The host's patience ran out: cancel the handlers still running (their claims are released).
        using (cancellationToken.Register(static loop => ((KafkaPollLoop)loop!).AbortAll(), _loop))
        {
            await _run.ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();

        // A loop still polling keeps its consumer: disposing it under a running Consume would crash the process.
        if (_run is null || _run.Wait(_options.DrainTimeout + TimeSpan.FromSeconds(5)))
        {
            _loop?.Dispose();
        }

        _deadLetters?.Dispose();
        _stopping.Dispose();
    }
}
