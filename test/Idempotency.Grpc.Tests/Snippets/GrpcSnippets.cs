using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Idempotency.Grpc.Tests;

/// <summary>The code of docs/grpc.md, compiled here and run by <see cref="GrpcSnippetTests"/>.</summary>
internal static class GrpcSnippets
{
    public static void AddServer(WebApplicationBuilder builder)
    {
        #region snippet: grpc-server
        builder.Services.AddIdempotency()
            .AddInMemoryStore(_ => { });   // one process; share keys between instances with the Redis or PostgreSQL store
        builder.Services.AddGrpc(o => o.AddIdempotency(idempotency =>
        {
            // Calls to this service without an idempotency-key are refused (INVALID_ARGUMENT); elsewhere they run as usual.
            idempotency.RequireKeyFor.Add("orders.Orders");
        }));
        #endregion
    }

    public static Orders.OrdersClient CreateClient(Uri address)
    {
        #region snippet: grpc-client
        var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            ServiceConfig = new ServiceConfig
            {
                MethodConfigs =
                {
                    new MethodConfig
                    {
                        Names = { MethodName.Default },
                        RetryPolicy = new RetryPolicy
                        {
                            MaxAttempts = 4,
                            InitialBackoff = TimeSpan.FromMilliseconds(200),
                            MaxBackoff = TimeSpan.FromSeconds(2),
                            BackoffMultiplier = 2,
                            RetryableStatusCodes = { StatusCode.Unavailable, StatusCode.Aborted },
                        },
                    },
                },
            },
        });

        // The interceptor makes the key once per logical call; the channel's retries re-send that call, key included.
        var client = new Orders.OrdersClient(channel.Intercept(new IdempotencyKeyClientInterceptor()));
        #endregion
        return client;
    }

    public static async Task<(OrderReply Reply, bool Replayed)> PlaceAsync(Orders.OrdersClient client, string orderKey, CancellationToken cancellationToken)
    {
        #region snippet: grpc-call
        using var call = client.PlaceOrderAsync(
            new PlaceOrderRequest { Item = "book", Quantity = 2 },
            new Metadata { { "idempotency-key", orderKey } },   // your own key; without one the interceptor makes one
            cancellationToken: cancellationToken);
        OrderReply reply = await call.ResponseAsync;
        bool replayed = call.GetTrailers().GetValue("idempotent-replayed") == "true";
        #endregion
        return (reply, replayed);
    }
}
