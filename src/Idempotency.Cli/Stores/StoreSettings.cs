namespace Idempotency.Cli.Stores;

/// <summary>What --store, --connection and the naming options say about the store to open.</summary>
internal sealed record StoreSettings(
    string Kind,
    string Connection,
    string? KeyPrefix,
    string? Service,
    string? RedisInstance,
    int? RedisDatabase,
    string? Schema,
    string? Table);
