using Microsoft.Extensions.DependencyInjection;

namespace Idempotency.Http.Tests;

/// <summary>
/// A client built the way applications build it: <see cref="IHttpClientFactory"/>, the handlers the test adds, and the
/// server's handler (test server or sockets) as the primary (innermost) handler.
/// </summary>
public sealed class ClientHost : IDisposable
{
    private const string ClientName = "orders";
    private readonly ServiceProvider _services;

    private ClientHost(ServiceProvider services)
    {
        _services = services;
        Client = services.GetRequiredService<IHttpClientFactory>().CreateClient(ClientName);
    }

    public HttpClient Client { get; }

    /// <summary>Builds the client; <paramref name="configure"/> adds handlers, outermost first.</summary>
    public static ClientHost Create(OrdersServer server, Action<IHttpClientBuilder> configure)
    {
        var services = new ServiceCollection();
        var builder = services
            .AddHttpClient(ClientName, client => client.BaseAddress = server.BaseAddress)
            .ConfigurePrimaryHttpMessageHandler(server.CreatePrimaryHandler);
        configure(builder);
        return new ClientHost(services.BuildServiceProvider(validateScopes: true));
    }

    public void Dispose()
    {
        Client.Dispose();
        _services.Dispose();
    }
}
