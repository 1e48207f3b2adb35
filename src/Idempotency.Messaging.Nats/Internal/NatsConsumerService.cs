using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Idempotency.Messaging.Nats;

/// <summary>
/// The hosted JetStream consumer. Start-up opens (or creates) the durable consumer, computes its redelivery horizon and
/// fails the start when a record TTL is shorter; then messages are pulled and each runs through every handler once per
/// event (<see cref="ExecuteAsync"/>), answered to JetStream only after the records are durable.
/// </summary>
internal sealed partial class NatsConsumerService : BackgroundService
{
    private readonly INatsConnection _connection;
    private readonly NatsConsumerOptions _options;
    private readonly IOptions<IdempotentConsumerOptions> _consumerOptions;
    private readonly IEnumerable<IValidateOptions<IdempotentConsumerOptions>> _validators;
    private readonly IIdempotentConsumer _consumer;
    private readonly IServiceScopeFactory _scopes;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _abort = new();
    private readonly SemaphoreSlim _slots;
    private INatsJSContext? _jetStream;
    private INatsJSConsumer? _jetStreamConsumer;
    private JetStreamAnswers? _answers;

    public NatsConsumerService(
        INatsConnection connection,
        NatsConsumerOptions options,
        IOptions<IdempotentConsumerOptions> consumerOptions,
        IEnumerable<IValidateOptions<IdempotentConsumerOptions>> validators,
        IIdempotentConsumer consumer,
        IServiceScopeFactory scopes,
        ILoggerFactory loggerFactory)
    {
        _connection = connection;
        _options = options;
        _consumerOptions = consumerOptions;
        _validators = validators;
        _consumer = consumer;
        _scopes = scopes;
        _logger = loggerFactory.CreateLogger("Idempotency.Messaging.Nats");
        _slots = new SemaphoreSlim(options.ConcurrentDeliveries, options.ConcurrentDeliveries);
    }

    /// <summary>Gets the consumer's redelivery schedule, read from the server at start-up.</summary>
    internal RedeliverySchedule? Schedule { get; private set; }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _jetStream = new NatsJSContext(_connection);
        _jetStreamConsumer = await OpenConsumerAsync(cancellationToken).ConfigureAwait(false);
        var schedule = new RedeliverySchedule(_options.Consumer, _jetStreamConsumer.Info.Config);
        var consumerOptions = _consumerOptions.Value;
        ConsumerHorizon.Apply(schedule, _options, consumerOptions, _validators);
        if (consumerOptions.ProgressInterval <= TimeSpan.Zero || consumerOptions.ProgressInterval >= schedule.ShortestWait)
        {
            Log.ProgressIntervalTooLong(_logger, consumerOptions.ProgressInterval, _options.Consumer, schedule.ShortestWait);
        }

        Schedule = schedule;
        _answers = new JetStreamAnswers(_jetStream, _options, schedule, _logger);
        Log.Started(_logger, _options.Stream, _options.Consumer, consumerOptions.RetryHorizon, consumerOptions.RetryHorizonSource);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops pulling at once, and lets the handlers that run finish until <paramref name="cancellationToken"/> (the host's
    /// shutdown timeout) ends; then they are cancelled, so their claims are released and their messages handed back, which
    /// takes a moment more (<see cref="NatsConsumerDefaults.AbortGrace"/> at most).
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (ExecuteTask is { IsCompleted: false } running)
        {
            await _abort.CancelAsync().ConfigureAwait(false);
            await running.WaitAsync(NatsConsumerDefaults.AbortGrace, TimeProvider.System).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _abort.Dispose();
        _slots.Dispose();
    }

    private async ValueTask<INatsJSConsumer> OpenConsumerAsync(CancellationToken cancellationToken)
    {
        if (_options.ConsumerConfig is not { } config)
        {
            return await _jetStream!.GetConsumerAsync(_options.Stream, _options.Consumer, cancellationToken).ConfigureAwait(false);
        }

        config.DurableName = _options.Consumer;
        config.Name = _options.Consumer;
        return await _jetStream!.CreateOrUpdateConsumerAsync(_options.Stream, config, cancellationToken).ConfigureAwait(false);
    }
}
