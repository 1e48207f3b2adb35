using Microsoft.Extensions.Options;

namespace Idempotency.Messaging.Nats;

/// <summary>
/// Gives the transport-neutral consumer the JetStream consumer's redelivery horizon at start-up and runs its checks again,
/// so an event type whose records would expire while JetStream may still redeliver it stops the start.
/// </summary>
internal static class ConsumerHorizon
{
    public static void Apply(RedeliverySchedule schedule, NatsConsumerOptions nats, IdempotentConsumerOptions consumer, IEnumerable<IValidateOptions<IdempotentConsumerOptions>> validators)
    {
        if (schedule.Problem is { } problem)
        {
            Fail($"{schedule.Describe()} {problem}");
        }

        var (horizon, source) = Choose(schedule, nats);
        if (horizon > consumer.RetryHorizon)
        {
            // The options instance is the one the consumer reads: setting it here is what the check and the consumer see.
            consumer.RetryHorizon = horizon;
            consumer.RetryHorizonSource = source;
        }

        var failures = validators
            .Select(validator => validator.Validate(Options.DefaultName, consumer))
            .Where(static result => result.Failed)
            .SelectMany(static result => result.Failures ?? [])
            .ToList();
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(IdempotentConsumerOptions), failures);
        }
    }

    private static (TimeSpan Horizon, string Source) Choose(RedeliverySchedule schedule, NatsConsumerOptions nats)
    {
        var computed = schedule.Horizon;
        if (computed is null && nats.RetryHorizon is null)
        {
            Fail($"{schedule.Describe()} redelivers without limit, so no record TTL can outlast its redeliveries. Set MaxDeliver on the consumer ({nameof(NatsConsumerOptions)}.{nameof(NatsConsumerOptions.ConsumerConfig)} or the server), or state how long redeliveries go on with {nameof(NatsConsumerOptions)}.{nameof(NatsConsumerOptions.RetryHorizon)}.");
        }

        if (computed > NatsConsumerDefaults.MaxRetryHorizon)
        {
            Fail($"{schedule.Describe()} may redeliver a message for longer than {NatsConsumerDefaults.MaxRetryHorizon.TotalDays} days, the longest record TTL: lower MaxDeliver, AckWait or BackOff.");
        }

        return nats.RetryHorizon is { } told && (computed is null || told > computed)
            ? (told, $"{nameof(NatsConsumerOptions)}.{nameof(NatsConsumerOptions.RetryHorizon)} for {schedule.Describe()}")
            : (computed!.Value, schedule.Describe());
    }

    private static void Fail(string message) =>
        throw new OptionsValidationException(Options.DefaultName, typeof(NatsConsumerOptions), [message]);
}
