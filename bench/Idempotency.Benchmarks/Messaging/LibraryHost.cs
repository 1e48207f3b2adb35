using Idempotency.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Idempotency.Benchmarks.Messaging;

/// <summary>
/// One application with the library's hosted consumer, started and stopped as a host does (its hosted services, without
/// the generic host): the engine on the contender's store, metrics on as in a real host (nobody listens while measuring).
/// The broker connection is shared by every host of a run, as a registered instance the container does not dispose.
/// </summary>
internal sealed class LibraryHost : IAsyncDisposable
{
    public const string ServiceName = "bench";
    public const string HandlerName = "record-payment";

    private readonly ServiceProvider _services;
    private readonly List<IHostedService> _started = [];

    private LibraryHost(ServiceProvider services) => _services = services;

    /// <summary>Builds and starts the host.</summary>
    /// <param name="contender">Which library contender (not the floor).</param>
    /// <param name="redisStore">The run's Redis store (for <see cref="Contender.Redis"/>).</param>
    /// <param name="addConnection">Registers the broker connection.</param>
    /// <param name="addAdapter">Adds the adapter's consumer, with the handler.</param>
    public static async Task<LibraryHost> StartAsync(Contender contender, IIdempotencyStore redisStore, Action<IServiceCollection> addConnection, Action<IIdempotencyBuilder> addAdapter)
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        addConnection(services);
        switch (contender)
        {
            case Contender.Redis:
                services.AddSingleton(redisStore);
                break;
            case Contender.Bypassed:
                services.AddSingleton<IIdempotentConsumer>(new PassThroughConsumer());
                break;
            case Contender.InMemory:
                break; // AddIdempotency's default store
            default:
                throw new ArgumentOutOfRangeException(nameof(contender), contender, "The floor has no library host.");
        }

        addAdapter(services.AddIdempotency(o => o.ServiceName = ServiceName));
        var host = new LibraryHost(services.BuildServiceProvider());
        try
        {
            foreach (var hosted in host._services.GetServices<IHostedService>())
            {
                await hosted.StartAsync(CancellationToken.None);
                host._started.Add(hosted);
            }
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    /// <summary>Stops the hosted services (they finish what they hold) and disposes the container.</summary>
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        foreach (var hosted in Enumerable.Reverse(_started))
        {
            await hosted.StopAsync(timeout.Token);
        }

        _started.Clear();
        await _services.DisposeAsync();
    }
}
