namespace Idempotency;

/// <summary>Every problem of the engine options, checked once at start-up (see <c>IdempotencyStoreRegistration</c>).</summary>
internal static class IdempotencyOptionsValidator
{
    public static IEnumerable<string> Errors(IdempotencyOptions options)
    {
        if (!StoreKey.IsValidSegment(options.KeyPrefix))
        {
            yield return $"{nameof(options.KeyPrefix)} must be 1-{IdempotencyDefaults.MaxNameLength} characters of letters, digits, '.', '_', '-' or '/'.";
        }

        if (!StoreKey.IsValidSegment(options.ServiceName))
        {
            yield return $"{nameof(options.ServiceName)} must be 1-{IdempotencyDefaults.MaxNameLength} characters of letters, digits, '.', '_', '-' or '/'.";
        }

        if (options.MaxKeyLength is < 1 or > 4096)
        {
            yield return $"{nameof(options.MaxKeyLength)} must be between 1 and 4096.";
        }

        if (options.CompressionThreshold < 0 || options.LocalCacheMaxEntries < 0)
        {
            yield return $"{nameof(options.CompressionThreshold)} and {nameof(options.LocalCacheMaxEntries)} must not be negative.";
        }

        if (options.LocalCacheMaxBytes < 1)
        {
            yield return $"{nameof(options.LocalCacheMaxBytes)} must be positive.";
        }

        if (options.MaxResultSize is < 1 or > IdempotencyDefaults.MaxResultSizeLimit)
        {
            yield return $"{nameof(options.MaxResultSize)} must be between 1 and {IdempotencyDefaults.MaxResultSizeLimit} bytes.";
        }

        if (options.DigestSecret is { Length: < DigestKey.MinSecretLength } secret)
        {
            yield return $"{nameof(options.DigestSecret)} is {secret.Length} bytes; it must be at least {DigestKey.MinSecretLength} (base64 of 32 random bytes).";
        }

        foreach (var (operation, ttl) in options.OperationTtls)
        {
            // Keyed by the request's name (an operation, or an HTTP route pattern), which never enters the store key.
            if (string.IsNullOrWhiteSpace(operation) || operation.Length > 200)
            {
                yield return $"{nameof(options.OperationTtls)} names must be 1-200 characters, not all white space.";
            }
            else if (ttl <= TimeSpan.Zero)
            {
                yield return $"{nameof(options.OperationTtls)}['{operation}'] must be positive.";
            }
            else if (ttl > IdempotencyDefaults.MaxTtl)
            {
                yield return TooLong($"{nameof(options.OperationTtls)}['{operation}']", IdempotencyDefaults.MaxTtl);
            }
        }

        foreach (var (name, policy) in options.BuildPolicies().Prepend(KeyValuePair.Create(IdempotencyDefaults.DefaultPolicyName, options.DefaultPolicy)))
        {
            foreach (var error in PolicyErrors(policy))
            {
                yield return $"Policy '{name}': {error}";
            }
        }
    }

    private static IEnumerable<string> PolicyErrors(IdempotencyPolicy policy)
    {
        if (policy.Ttl <= TimeSpan.Zero || policy.FailureTtl <= TimeSpan.Zero)
        {
            yield return "Ttl and FailureTtl must be positive.";
        }

        if (policy.Lease < TimeSpan.FromMilliseconds(30))
        {
            yield return "Lease must be at least 30 ms (it is renewed every third of it).";
        }

        if (policy.InProgressWait < TimeSpan.Zero || policy.InProgressRetryAfter < TimeSpan.Zero || policy.StoreUnavailableRetryAfter < TimeSpan.Zero)
        {
            yield return "InProgressWait, InProgressRetryAfter and StoreUnavailableRetryAfter must not be negative.";
        }

        if (policy.Ttl > IdempotencyDefaults.MaxTtl)
        {
            yield return TooLong(nameof(policy.Ttl), IdempotencyDefaults.MaxTtl);
        }

        if (policy.FailureTtl > IdempotencyDefaults.MaxTtl)
        {
            yield return TooLong(nameof(policy.FailureTtl), IdempotencyDefaults.MaxTtl);
        }

        if (policy.Lease > IdempotencyDefaults.MaxLease)
        {
            yield return TooLong(nameof(policy.Lease), IdempotencyDefaults.MaxLease);
        }

        if (policy.InProgressWait > IdempotencyDefaults.MaxInProgressWait)
        {
            yield return TooLong(nameof(policy.InProgressWait), IdempotencyDefaults.MaxInProgressWait);
        }

        if (policy.InProgressRetryAfter > IdempotencyDefaults.MaxInProgressRetryAfter)
        {
            yield return TooLong(nameof(policy.InProgressRetryAfter), IdempotencyDefaults.MaxInProgressRetryAfter);
        }

        if (policy.StoreUnavailableRetryAfter > IdempotencyDefaults.MaxInProgressRetryAfter)
        {
            yield return TooLong(nameof(policy.StoreUnavailableRetryAfter), IdempotencyDefaults.MaxInProgressRetryAfter);
        }
    }

    private static string TooLong(string option, TimeSpan limit) => $"{option} must be at most {Describe(limit)}.";

    private static string Describe(TimeSpan limit) => limit switch
    {
        { Ticks: var ticks } when ticks % TimeSpan.TicksPerDay == 0 => Plural((int)limit.TotalDays, "day"),
        { Ticks: var ticks } when ticks % TimeSpan.TicksPerHour == 0 => Plural((int)limit.TotalHours, "hour"),
        _ => limit.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string Plural(int count, string unit) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{count} {unit}{(count == 1 ? string.Empty : "s")}");
}
