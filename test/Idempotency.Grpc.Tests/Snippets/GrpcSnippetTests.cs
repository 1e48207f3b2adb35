using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Idempotency.Grpc.Tests;

/// <summary>Runs docs/grpc.md's snippets as written, against a real h2c server.</summary>
public sealed class GrpcSnippetTests
{
    [Fact]
    public async Task Snippets_ServerClientAndCall_RunOnceReplayAndRequireTheKey()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton<OrderProbe>();
        GrpcSnippets.AddServer(builder);
        await using var app = builder.Build();
        app.MapGrpcService<OrdersService>();
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        var client = GrpcSnippets.CreateClient(address);

        var (first, firstReplayed) = await GrpcSnippets.PlaceAsync(client, "order-7", CancellationToken.None);
        var (again, againReplayed) = await GrpcSnippets.PlaceAsync(client, "order-7", CancellationToken.None);
        var generated = await client.PlaceOrderAsync(new PlaceOrderRequest { Item = "pen", Quantity = 1 });
        var plain = new Orders.OrdersClient(GrpcChannel.ForAddress(address));
        var missing = await Assert.ThrowsAsync<RpcException>(() => plain.PlaceOrderAsync(new PlaceOrderRequest { Item = "pen" }).ResponseAsync);

        Assert.Equal((first.OrderId, false), (again.OrderId, firstReplayed));
        Assert.True(againReplayed);
        Assert.Equal(2, generated.Run);
        Assert.Equal(StatusCode.InvalidArgument, missing.StatusCode);
        Assert.Equal(2, app.Services.GetRequiredService<OrderProbe>().Runs);
        await app.StopAsync();
    }
}
