using System.Net;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Idempotency.Grpc.Tests;

/// <summary>A real Kestrel server on a loopback port speaking HTTP/2 without TLS (h2c), hosting <see cref="OrdersService"/> behind the interceptor.</summary>
public sealed class GrpcTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GrpcTestServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public OrderProbe Probe => _app.Services.GetRequiredService<OrderProbe>();

    public static async Task<GrpcTestServer> StartAsync(Action<GrpcIdempotencyOptions>? configure = null, IIdempotencyStore? store = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton<OrderProbe>();
        builder.Services.AddIdempotency().AddInMemoryStore(static _ => { });
        if (store is not null)
        {
            builder.Services.Replace(ServiceDescriptor.Singleton(store));
        }

        builder.Services.AddGrpc(o =>
        {
            o.EnableDetailedErrors = true;
            o.AddIdempotency(configure);
        });
        var app = builder.Build();
        app.MapGrpcService<OrdersService>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new GrpcTestServer(app, new Uri(address));
    }

    /// <summary>A client on a channel of its own (with the client key interceptor when asked), optionally with a retry policy.</summary>
    public (Orders.OrdersClient Client, GrpcChannel Channel) CreateClient(bool addKeys = false, RetryPolicy? retry = null)
    {
        var options = new GrpcChannelOptions();
        if (retry is not null)
        {
            options.ServiceConfig = new() { MethodConfigs = { new MethodConfig { Names = { MethodName.Default }, RetryPolicy = retry } } };
        }

        var channel = GrpcChannel.ForAddress(Address, options);
        var invoker = addKeys ? channel.Intercept(new IdempotencyKeyClientInterceptor()) : channel.CreateCallInvoker();
        return (new Orders.OrdersClient(invoker), channel);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
