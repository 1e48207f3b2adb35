#region snippet: messaging-kafka
using Confluent.Kafka;
using StackExchange.Redis;
#endregion

namespace Snippets;

internal static class MessagingKafka
{
    public static void Register(WebApplicationBuilder builder)
    {
        #region snippet: messaging-kafka
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect("localhost:6379"));
        builder.Services
            .AddIdempotency(o =>
            {
                o.ServiceName = "billing";
                o.OperationTtls["payment.charged"] = TimeSpan.FromDays(7);
            })
            .AddRedisStore()
            .AddIdempotentConsumer(o => o.MaxDeliveries = 5)
            .AddIdempotentKafkaConsumer(o =>
            {
                o.ConsumerConfig = new ConsumerConfig
                {
                    BootstrapServers = "localhost:9092",
                    GroupId = "billing",                      // offsets are committed to this group
                    AutoOffsetReset = AutoOffsetReset.Earliest,
                };
                o.Topics.Add("payments");
                o.RetryBackoff = TimeSpan.FromSeconds(5);     // between deliveries of a record whose handler failed
                o.DeadLetterTopic = "payments.dead-letter";   // or o.OnDeadLetter = (dead, ct) => ...
                o.AddHandler("charge-card", "payment.charged", (message, services, ct) => services.GetRequiredService<Cards>().ChargeAsync(message, ct));
                o.AddHandler("audit", (message, services, ct) => ValueTask.CompletedTask);   // every event on the topics
            });
        #endregion
    }
}
