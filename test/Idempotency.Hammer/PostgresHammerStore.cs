// Placeholder until the PostgreSQL store lands: replace with a real NpgsqlIdempotencyStore over its own NpgsqlDataSource.
internal static partial class HammerStores
{
    private static Task<HammerStore> CreatePostgresAsync(string connection) => throw new NotSupportedException("PostgreSQL store not built yet");
}
