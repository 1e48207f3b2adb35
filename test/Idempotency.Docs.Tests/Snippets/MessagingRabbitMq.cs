#region snippet: messaging-rabbitmq
using Idempotency.Messaging;
using RabbitMQ.Client;
#endregion

namespace Snippets;

internal static class MessagingRabbitMq
{
    public static async Task RegisterAsync(WebApplicationBuilder builder)
    {
        #region snippet: messaging-rabbitmq
        builder.Services.AddSingleton(await new ConnectionFactory { Uri = new Uri("amqp://localhost") }.CreateConnectionAsync());
        builder.Services
            .AddIdempotency(o => o.ServiceName = "billing")
            .AddRedisStore()
            .AddIdempotentRabbitMqConsumer("payments", o =>
            {
                o.DeliveryLimit = 20;                     // the queue's x-delivery-limit
                o.PrefetchCount = 32;                     // basic.qos
                o.ConcurrentDeliveries = 8;               // the channel's consumer dispatch concurrency
                o.AddHandler("charge", "payment.charged", (message, services, ct) => services.GetRequiredService<Payments>().ChargeAsync(message, ct));
                o.AddHandler("audit", (message, services, ct) => ValueTask.CompletedTask);   // every event type on the queue
                o.OnDeadLetter = (dead, ct) => ValueTask.CompletedTask;                       // optional: told before the reject
            });
        #endregion
    }

    /// <summary>Stands for the application's payment service in the snippet.</summary>
    public sealed class Payments
    {
        private int _charged;

        public ValueTask ChargeAsync(InboundMessage message, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _charged);
            return ValueTask.CompletedTask;
        }
    }
}
