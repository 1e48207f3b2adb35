using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using NATS.Client.Core;

namespace Idempotency.Messaging.Nats.Tests;

/// <summary>
/// One consumer service as an application runs it (its own container, NATS connection and engine, the store shared with
/// other hosts), driven through its hosted services without a generic host, and the messaging counter collected.
/// </summary>
public sealed class ConsumerHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly NatsConnection _connection;
    private readonly MetricCollector<long> _messages;
    private List<IHostedService>? _started;

    public ConsumerHost(
        TestStream stream,
        IIdempotencyStore store,
        Action<NatsConsumerOptions> nats,
        string serviceName = "billing",
        Action<IdempotencyOptions>? engine = null,
        Action<IdempotentConsumerOptions>? consumer = null)
    {
        _connection = new NatsConnection(new NatsOpts { Url = stream.Url, Name = serviceName });
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddSingleton<INatsConnection>(_connection);
        services.AddSingleton(store);
        services.AddIdempotency(o =>
        {
            o.ServiceName = serviceName;
            engine?.Invoke(o);
        })
        .AddIdempotentConsumer(o =>
        {
            o.ProgressInterval = TimeSpan.FromMilliseconds(300);
            consumer?.Invoke(o);
        })
        .AddIdempotentNatsConsumer(o =>
        {
            o.Stream = stream.Name;
            nats(o);
        });
        _services = services.BuildServiceProvider();
        _messages = new MetricCollector<long>(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), IdempotencyTelemetry.Name, "idempotency.messages");
    }

    public async Task StartAsync()
    {
        var started = new List<IHostedService>();
        foreach (var service in _services.GetServices<IHostedService>())
        {
            await service.StartAsync(CancellationToken.None);
            started.Add(service);
        }

        _started = started;
    }

    /// <summary>Stops the hosted services; <paramref name="shutdownTimeout"/> is the host's, after which running handlers are cancelled.</summary>
    public async Task StopAsync(CancellationToken shutdownTimeout = default)
    {
        if (_started is { } started)
        {
            _started = null;
            foreach (var service in Enumerable.Reverse(started))
            {
                await service.StopAsync(shutdownTimeout);
            }
        }
    }

    public IServiceProvider Services => _services;

    /// <summary>How many deliveries ended with <paramref name="outcome"/>, over every handler.</summary>
    public long Count(MessageOutcome outcome) => _messages.GetMeasurementSnapshot()
        .Where(m => m.Tags.TryGetValue(IdempotencyTelemetry.OutcomeTag, out var tag) && string.Equals((string?)tag, OutcomeName(outcome), StringComparison.Ordinal))
        .Sum(m => m.Value);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _messages.Dispose();
        await _services.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private static string OutcomeName(MessageOutcome outcome) => outcome switch
    {
        MessageOutcome.InProgress => "in_progress",
        MessageOutcome.StoreUnavailable => "store_unavailable",
        _ => outcome.ToString().ToLowerInvariant(),
    };
}
