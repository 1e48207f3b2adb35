using System.Globalization;
using Microsoft.Extensions.Options;

namespace Idempotency.Messaging.RabbitMQ;

/// <summary>Every problem of one consumer's options, checked at start-up (each registered queue is a named instance).</summary>
internal sealed class RabbitMqConsumerOptionsValidator : IValidateOptions<RabbitMqConsumerOptions>
{
    public ValidateOptionsResult Validate(string? name, RabbitMqConsumerOptions options)
    {
        var errors = Errors(options).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static IEnumerable<string> Errors(RabbitMqConsumerOptions options)
    {
        var queue = string.Create(CultureInfo.InvariantCulture, $"RabbitMQ consumer of queue '{options.Queue}': ");
        if (string.IsNullOrWhiteSpace(options.Queue))
        {
            yield return "RabbitMqConsumerOptions.Queue must name the queue to consume.";
        }

        foreach (var error in options.Handlers.Errors($"{nameof(RabbitMqConsumerOptions)}.{nameof(RabbitMqConsumerOptions.AddHandler)}"))
        {
            yield return queue + error;
        }

        if (options.PrefetchCount == 0)
        {
            yield return queue + "PrefetchCount must be at least 1 (0 would mean unlimited: every message on one consumer).";
        }

        if (options.ConcurrentDeliveries == 0 || options.ConcurrentDeliveries > options.PrefetchCount)
        {
            yield return queue + "ConcurrentDeliveries must be between 1 and PrefetchCount.";
        }

        if (options.DeliveryLimit < 0 || options.DeliveryLimit > RabbitMqConsumerDefaults.MaxDeliveryLimit)
        {
            yield return queue + $"DeliveryLimit must be between zero (unknown) and {RabbitMqConsumerDefaults.MaxDeliveryLimit}.";
        }

        if (options.RetryHorizon < TimeSpan.Zero || options.RetryHorizon > TimeSpan.FromDays(365))
        {
            yield return queue + "RetryHorizon must be between zero (computed) and 365 days.";
        }

        if (options.DeliveryLimit == 0 && options.RetryHorizon == TimeSpan.Zero)
        {
            yield return queue + "RabbitMQ does not tell a consumer how long it redelivers a message, so records could expire before the last redelivery. " +
                "Set DeliveryLimit to the quorum queue's x-delivery-limit, or RetryHorizon to how long after its first delivery a message may still arrive.";
        }

        if (options.RequeueDelay < TimeSpan.Zero || options.RequeueDelay > RabbitMqConsumerDefaults.MaxDelayBound)
        {
            yield return queue + $"RequeueDelay must be between zero and {RabbitMqConsumerDefaults.MaxDelayBound}.";
        }

        if (options.MaxRequeueDelay < options.RequeueDelay || options.MaxRequeueDelay > RabbitMqConsumerDefaults.MaxDelayBound)
        {
            yield return queue + $"MaxRequeueDelay must be between RequeueDelay and {RabbitMqConsumerDefaults.MaxDelayBound}.";
        }
    }
}
