using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Idempotency.Messaging.Kafka.Tests;

/// <summary>
/// One service with the idempotent Kafka consumer, started like a host starts it (the hosted service), connected to the
/// mock cluster with short timings: 100 ms retry backoff, in-progress and store-unavailable retries, commits every 100 ms.
/// </summary>
internal sealed class KafkaTestConsumer : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private List<IHostedService> _hosted = [];

    private KafkaTestConsumer(ServiceProvider services) => _services = services;

    /// <summary>Gets the service's services.</summary>
    public IServiceProvider Services => _services;

    /// <summary>Configures one service with the consumer (nothing runs until <see cref="StartAsync"/>).</summary>
    public static KafkaTestConsumer Create(
        KafkaMockCluster cluster,
        IIdempotencyStore store,
        string groupId,
        string topic,
        Action<KafkaConsumerOptions> configure,
        string service = "billing",
        Action<IdempotencyOptions>? engine = null,
        Action<IdempotentConsumerOptions>? consumer = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(store);
        services.AddIdempotency(o =>
        {
            o.ServiceName = service;
            o.DefaultPolicy.InProgressRetryAfter = TimeSpan.FromMilliseconds(100);
            o.DefaultPolicy.StoreUnavailableRetryAfter = TimeSpan.FromMilliseconds(100);
            engine?.Invoke(o);
        }).AddIdempotentConsumer(consumer).AddIdempotentKafkaConsumer(o =>
        {
            o.ConsumerConfig = new ConsumerConfig
            {
                BootstrapServers = cluster.BootstrapServers,
                GroupId = groupId,
                AutoOffsetReset = AutoOffsetReset.Earliest,
                SessionTimeoutMs = 3000,
                HeartbeatIntervalMs = 300,
                AutoCommitIntervalMs = 100,
                FetchWaitMaxMs = 50, // a resumed partition waits for the fetch in flight: keep that short
            };
            o.Topics.Add(topic);
            o.RetryBackoff = TimeSpan.FromMilliseconds(100);
            o.DeadLetterTopic = topic + ".dlq";
            configure(o);
        });
        return new KafkaTestConsumer(services.BuildServiceProvider());
    }

    /// <summary>Starts the hosted services as a host does (creating them runs the start-up checks).</summary>
    public async Task<KafkaTestConsumer> StartAsync()
    {
        try
        {
            _hosted = [.. _services.GetServices<IHostedService>()];
        }
        catch
        {
            await _services.DisposeAsync();
            throw;
        }

        foreach (var hostedService in _hosted)
        {
            await hostedService.StartAsync(CancellationToken.None);
        }

        return this;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var hostedService in _hosted)
        {
            await hostedService.StopAsync(CancellationToken.None);
        }

        await _services.DisposeAsync();
    }
}
