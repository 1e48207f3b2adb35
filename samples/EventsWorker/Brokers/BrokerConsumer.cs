using Idempotency;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EventsWorker;

/// <summary>One consumer process on a real broker: its own services and engine on the shared store, and the adapter's hosted consumer.</summary>
internal sealed class BrokerConsumer : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly List<IHostedService> _hosted;

    private BrokerConsumer(ServiceProvider services)
    {
        _services = services;
        _hosted = services.GetServices<IHostedService>().ToList();
    }

    public static async Task<BrokerConsumer> StartAsync(BrokerTransport transport, IIdempotencyStore shared, Handlers handlers)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMetrics();
        services.AddSingleton(shared);
        var builder = services.AddIdempotency(o =>
        {
            o.ServiceName = "events-worker";
            o.OperationTtls["payment.charged"] = TimeSpan.FromDays(7);
        }).AddIdempotentConsumer();
        transport.AddConsumer(builder, handlers);
        var consumer = new BrokerConsumer(services.BuildServiceProvider());
        foreach (var hosted in consumer._hosted)
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        return consumer;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        foreach (var hosted in _hosted)
        {
            await hosted.StopAsync(timeout.Token);
        }

        await _services.DisposeAsync();
    }
}
