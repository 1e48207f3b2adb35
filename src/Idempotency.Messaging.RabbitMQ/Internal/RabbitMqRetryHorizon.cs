using System.Globalization;
using Microsoft.Extensions.Options;

namespace Idempotency.Messaging.RabbitMQ;

/// <summary>
/// Tells the transport-neutral consumer how long this queue may redeliver a message, so its start-up check refuses a
/// record TTL that is shorter. RabbitMQ cannot be asked (queue arguments are not readable over AMQP): the horizon is
/// <see cref="RabbitMqConsumerOptions.RetryHorizon"/>, or the delivery limit times the longest requeue delay. With several
/// queues the longest horizon wins.
/// </summary>
internal sealed class RabbitMqRetryHorizon(string queue, IOptionsMonitor<RabbitMqConsumerOptions> consumers) : IPostConfigureOptions<IdempotentConsumerOptions>
{
    public void PostConfigure(string? name, IdempotentConsumerOptions options)
    {
        if (name != Options.DefaultName)
        {
            return;
        }

        var (horizon, source) = Of(consumers.Get(queue));
        if (horizon > options.RetryHorizon)
        {
            options.RetryHorizon = horizon;
            options.RetryHorizonSource = source;
        }
    }

    public static (TimeSpan Horizon, string Source) Of(RabbitMqConsumerOptions options)
    {
        if (options.RetryHorizon > TimeSpan.Zero)
        {
            return (options.RetryHorizon, $"RabbitMQ queue '{options.Queue}': RabbitMqConsumerOptions.RetryHorizon");
        }

        // Each delivery ends in an acknowledgement, a dead letter or a requeue after at most MaxRequeueDelay; the
        // broker dead-letters the message once its deliveries pass the limit.
        var horizon = options.MaxRequeueDelay * options.DeliveryLimit;
        return (horizon, string.Create(CultureInfo.InvariantCulture, $"RabbitMQ queue '{options.Queue}': DeliveryLimit {options.DeliveryLimit} × MaxRequeueDelay {options.MaxRequeueDelay}"));
    }
}
