namespace Idempotency.Generators.Reading;

/// <summary>The metadata names the generator looks for.</summary>
internal static class KnownNames
{
    public const string IdempotentAttribute = "Idempotency.Decorators.IdempotentAttribute";
    public const string IdempotencyKeyAttribute = "Idempotency.Decorators.IdempotencyKeyAttribute";
    public const string IdempotencyFingerprintAttribute = "Idempotency.Decorators.IdempotencyFingerprintAttribute";
    public const string ExcludeFromFingerprintAttribute = "Idempotency.Decorators.ExcludeFromFingerprintAttribute";
    public const string HttpIdempotentAttribute = "Idempotency.AspNetCore.IdempotentAttribute";
    public const string JmesPathKeySelector = "Idempotency.JmesPath.JmesPathKeySelector";
    public const string CancellationToken = "System.Threading.CancellationToken";
}
