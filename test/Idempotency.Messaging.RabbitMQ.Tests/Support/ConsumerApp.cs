using Idempotency.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;

namespace Idempotency.Messaging.RabbitMQ.Tests;

/// <summary>
/// One consumer application as a host runs it: its own AMQP connection, the engine on a store (shared with other apps
/// when given, to stand for several instances), and the hosted RabbitMQ consumers, started and stopped like a host does.
/// </summary>
internal sealed class ConsumerApp : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly List<IHostedService> _hosted;

    private ConsumerApp(ServiceProvider services, IConnection connection)
    {
        _services = services;
        Connection = connection;
        _hosted = services.GetServices<IHostedService>().ToList();
    }

    public IConnection Connection { get; }

    public static async Task<ConsumerApp> StartAsync(
        RabbitMqFixture rabbit,
        string queue,
        Action<RabbitMqConsumerOptions> configure,
        IIdempotencyStore? store = null,
        string service = "billing",
        Action<IdempotencyOptions>? engine = null,
        Action<IdempotentConsumerOptions>? consumer = null)
    {
        var connection = await rabbit.ConnectAsync();
        var app = new ConsumerApp(Build(connection, queue, configure, store, service, engine, consumer), connection);
        await app.StartAsync();
        return app;
    }

    /// <summary>Builds the services without starting anything (for start-up validation tests).</summary>
    public static ServiceProvider Build(IConnection? connection, string queue, Action<RabbitMqConsumerOptions> configure, IIdempotencyStore? store = null, string service = "billing", Action<IdempotencyOptions>? engine = null, Action<IdempotentConsumerOptions>? consumer = null)
    {
        var services = new ServiceCollection();
        if (connection is not null)
        {
            services.AddSingleton(connection);
        }

        services.AddSingleton(store ?? new FaultInjectingIdempotencyStore(new InMemoryIdempotencyStore()));
        services.AddIdempotency(o =>
        {
            o.ServiceName = service;
            engine?.Invoke(o);
        }).AddIdempotentConsumer(consumer).AddIdempotentRabbitMqConsumer(queue, o =>
        {
            o.DeliveryLimit = 20;
            o.RequeueDelay = TimeSpan.FromMilliseconds(100);
            configure(o);
        });
        return services.BuildServiceProvider();
    }

    public async Task StartAsync()
    {
        foreach (var hosted in _hosted)
        {
            await hosted.StartAsync(CancellationToken.None);
        }
    }

    public async Task StopAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        foreach (var hosted in _hosted)
        {
            await hosted.StopAsync(timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _services.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
