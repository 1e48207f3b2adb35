namespace Idempotency.DynamoDB;

/// <summary>Options of <see cref="DynamoDbIdempotencyStore"/>.</summary>
/// <remarks>
/// Connection settings (region, credentials, endpoint, retries, timeouts) belong to the <c>IAmazonDynamoDB</c> client the
/// application registers; the store only chooses which client and table it uses, and when DynamoDB may delete dead items.
/// </remarks>
public sealed class DynamoDbStoreOptions
{
    /// <summary>Gets or sets the key of the keyed <c>IAmazonDynamoDB</c> service to use; <see langword="null"/> uses the unkeyed one.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public object? ClientServiceKey { get; set; }

    /// <summary>Gets or sets the table name: 3 to 255 characters of letters, digits, <c>_</c>, <c>-</c> and <c>.</c>.</summary>
    /// <value>The default value is <c>idempotency_records</c>.</value>
    public string TableName { get; set; } = DynamoDbStoreDefaults.TableName;

    /// <summary>
    /// Gets or sets a value indicating whether a hosted service creates the table (on-demand billing, TTL enabled) at
    /// start-up when it is missing. Otherwise create it yourself (see the table definition in the docs) or call
    /// <see cref="DynamoDbIdempotencyStore.CreateTableAsync"/>.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool CreateTableOnStartup { get; set; } = DynamoDbStoreDefaults.CreateTableOnStartup;

    /// <summary>
    /// Gets or sets how long after a record expires (by the application's clock) its <c>ttl</c> attribute lets DynamoDB
    /// delete it. Expiry itself is decided by the application's clock in every condition; the native TTL only cleans up,
    /// so the delay must cover the skew between the application's clocks and AWS's.
    /// </summary>
    /// <value>The default value is 1 hour.</value>
    public TimeSpan NativeExpiryDelay { get; set; } = DynamoDbStoreDefaults.NativeExpiryDelay;
}
