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
    private readonly List<IHostedService> _hosted;

    private KafkaTestConsumer(ServiceProvider services, List<IHostedService> hosted)
    {
        _services = services;
        _hosted = hosted;
    }

    public static async Task<KafkaTestConsumer> StartAsync(
        KafkaMockCluster cluster,
        IIdempotencyStore store,
        string groupId,
        string topic,
        Action<KafkaConsumerOptions> configure,
        string service = "billing",
        Action<IdempotencyOptions>? engine = null,
        Action<IdempotentConsumerOptions>? consumer = null)
    {
        var services = BuildServices(cluster.BootstrapServers, store, groupId, topic, configure, service, engine, consumer);
        var hosted = services.GetServices<IHostedService>().ToList();
        foreach (var hostedService in hosted)
        {
            await hostedService.StartAsync(CancellationToken.None);
        }

        return new KafkaTestConsumer(services, hosted);
    }

    public static ServiceProvider BuildServices(
        string bootstrapServers,
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
                BootstrapServers = bootstrapServers,
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
        return services.BuildServiceProvider();
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
