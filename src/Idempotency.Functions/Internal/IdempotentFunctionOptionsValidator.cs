using Idempotency.JmesPath;

namespace Idempotency.Functions;

/// <summary>
/// Every problem of the function options, checked once at start-up: an expression that does not parse fails here, not on
/// the first event. TTLs and the rest of each policy are checked by the engine with its own policies.
/// </summary>
internal static class IdempotentFunctionOptionsValidator
{
    public static IEnumerable<string> Errors(IdempotentFunctionOptions options)
    {
        if (options.LocalCacheMaxEntries < 0)
        {
            yield return $"{nameof(options.LocalCacheMaxEntries)} must not be negative.";
        }

        foreach (var (name, policy) in options.Policies.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            foreach (var error in PolicyErrors(name, policy))
            {
                yield return $"Function policy '{name}': {error}";
            }
        }
    }

    private static IEnumerable<string> PolicyErrors(string name, IdempotentFunctionPolicy policy)
    {
        if (string.IsNullOrWhiteSpace(policy.KeyExpression))
        {
            yield return $"{nameof(policy.KeyExpression)} must be set.";
        }
        else if (Compile(policy) is { } error)
        {
            yield return error;
        }

        if (!IsOperation(policy.Operation ?? name))
        {
            yield return policy.Operation is null
                ? $"its name is used as the operation, so it must be 1-{FunctionDefaults.MaxOperationLength} characters of letters, digits, '.', '_', '-' or '/' (or set {nameof(policy.Operation)})."
                : $"{nameof(policy.Operation)} must be 1-{FunctionDefaults.MaxOperationLength} characters of letters, digits, '.', '_', '-' or '/'.";
        }

        if (policy.Ttl is { } ttl && ttl <= TimeSpan.Zero)
        {
            yield return $"{nameof(policy.Ttl)} must be positive.";
        }
    }

    private static string? Compile(IdempotentFunctionPolicy policy)
    {
        try
        {
            _ = new JmesPathKeySelector(policy.KeyExpression!, policy.FingerprintExpression);
            return null;
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>The engine's rule for store key segments, checked here so the error names the function policy.</summary>
    internal static bool IsOperation(string operation) =>
        operation.Length is > 0 and <= FunctionDefaults.MaxOperationLength
        && operation.All(static c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '/');
}
