namespace Idempotency.Cli.Stores;

/// <summary>The stores the tool opens (the values of --store).</summary>
internal static class StoreKind
{
    public const string Redis = "redis";
    public const string Postgres = "postgres";
    public const string Sqlite = "sqlite";
    public const string DynamoDb = "dynamodb";

    public static readonly string[] All = [Redis, Postgres, Sqlite, DynamoDb];
}
