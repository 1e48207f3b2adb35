#region snippet: getting-started-consumer
using System.Text.Json;
using RabbitMQ.Client;
#endregion

namespace Snippets;

internal static class Consumer
{
    public static async Task RegisterAsync(WebApplicationBuilder builder)
    {
        #region snippet: getting-started-consumer
        builder.Services.AddSingleton(await new ConnectionFactory { Uri = new Uri("amqp://localhost") }.CreateConnectionAsync());
        builder.Services
            .AddIdempotency(options =>
            {
                options.ServiceName = "billing";                                // records of two services never collide
                options.OperationTtls["order.placed"] = TimeSpan.FromDays(2);  // how long an event is remembered
            })
            .AddRedisStore()
            .AddIdempotentRabbitMqConsumer("orders", options =>
            {
                options.DeliveryLimit = 20;   // the queue's x-delivery-limit: start-up checks the TTL outlasts the redeliveries
                options.AddHandler("charge", "order.placed", async (message, services, ct) =>
                {
                    var order = JsonSerializer.Deserialize<Order>(message.Body.Span)!;
                    await services.GetRequiredService<Payments>().ChargeAsync(order, ct);
                });
            });
        #endregion
    }
}
