namespace Idempotency.AspNetCore;

/// <summary>Marks an endpoint whose claim, handler writes and record share one database transaction (<c>RequireTransactionalIdempotency()</c>).</summary>
internal sealed class TransactionalIdempotencyMetadata
{
    public static readonly TransactionalIdempotencyMetadata Instance = new();
}
