#region snippet: messaging-nats
using NATS.Client.Core;
using NATS.Client.JetStream.Models;
using StackExchange.Redis;
#endregion

namespace Snippets;

internal static class MessagingNats
{
    public static void Register(WebApplicationBuilder builder)
    {
        #region snippet: messaging-nats
        builder.Services.AddSingleton<INatsConnection>(_ => new NatsConnection(new NatsOpts { Url = "nats://localhost:4222" }));
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect("localhost:6379"));
        builder.Services
            .AddIdempotency(o =>
            {
                o.ServiceName = "billing";
                o.OperationTtls["orders.paid"] = TimeSpan.FromDays(7);
            })
            .AddRedisStore()
            .AddIdempotentConsumer(o => o.ProgressInterval = TimeSpan.FromSeconds(10))
            .AddIdempotentNatsConsumer(o =>
            {
                o.Stream = "ORDERS";
                o.Consumer = "billing";                       // the durable consumer's name
                o.ConsumerConfig = new ConsumerConfig         // optional: created or updated at start-up
                {
                    FilterSubject = "orders.>",
                    AckWait = TimeSpan.FromSeconds(30),
                    MaxDeliver = 5,
                    Backoff = [TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(120)],   // above ProgressInterval
                };
                o.ConcurrentDeliveries = 8;                   // default 1: stream order between redeliveries
                o.DeadLetterSubject = "dead.orders";          // optional: default terminates poison messages
                o.AddHandler("charge-card", "orders.paid", (message, services, ct) => services.GetRequiredService<Cards>().ChargeAsync(message, ct));
                o.AddHandler("audit", (message, services, ct) => ValueTask.CompletedTask);   // every event the consumer receives
            });
        #endregion
    }
}
