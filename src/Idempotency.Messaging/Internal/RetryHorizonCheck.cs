using System.Globalization;
using Microsoft.Extensions.Options;

namespace Idempotency.Messaging;

/// <summary>
/// Refuses, at start-up, an event type whose records expire before the transport stops redelivering it (a redelivery
/// after the record expired would find no record and run the handler again), or whose policy does not exist.
/// </summary>
internal sealed class RetryHorizonCheck(IOptions<IdempotencyOptions> engine) : IValidateOptions<IdempotentConsumerOptions>
{
    public ValidateOptionsResult Validate(string? name, IdempotentConsumerOptions options)
    {
        var errors = Errors(options, engine.Value).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static IEnumerable<string> Errors(IdempotentConsumerOptions options, IdempotencyOptions engine)
    {
        var horizon = options.RetryHorizon;
        var check = horizon > TimeSpan.Zero;
        if (check && engine.DefaultPolicy.Ttl < horizon)
        {
            yield return Error("Event types without their own TTL keep their records", engine.DefaultPolicy.Ttl, "IdempotencyOptions.DefaultPolicy.Ttl", options);
        }

        var eventTypes = new SortedSet<string>(options.EventTypes, StringComparer.Ordinal);
        eventTypes.UnionWith(options.EventTypePolicies.Keys);
        eventTypes.UnionWith(engine.OperationTtls.Keys);
        foreach (var eventType in eventTypes)
        {
            var policy = options.EventTypePolicies.TryGetValue(eventType, out var named) ? named : null;
            if (policy is not null && !engine.PolicyNames.Contains(policy, StringComparer.Ordinal))
            {
                yield return $"Event type '{eventType}' names the idempotency policy '{policy}', which is not defined: add it with AddIdempotency(o => o.AddPolicy(\"{policy}\", p => ...)).";
                continue;
            }

            var ttl = engine.GetTtl(eventType, policy);
            if (check && ttl < horizon)
            {
                yield return Error($"Event type '{eventType}' keeps its records", ttl, $"IdempotencyOptions.OperationTtls[\"{eventType}\"]", options);
            }
        }
    }

    private static string Error(string what, TimeSpan ttl, string setting, IdempotentConsumerOptions options) => string.Create(
        CultureInfo.InvariantCulture,
        $"{what} for {ttl}, but the transport may redeliver a message for up to {options.RetryHorizon} ({options.RetryHorizonSource}): a redelivery after the record expired would run the handler again. Raise the TTL ({setting}) to at least {options.RetryHorizon}, or shorten the redelivery horizon.");
}
