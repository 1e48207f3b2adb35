namespace Idempotency.Npgsql;

/// <summary>Every problem of the store options, checked at start-up and when a store is created.</summary>
internal static class NpgsqlStoreOptionsValidator
{
    public static IEnumerable<string> Errors(NpgsqlStoreOptions options)
    {
        if (SqlIdentifier.Problem(options.SchemaName, nameof(options.SchemaName), NpgsqlStoreDefaults.MaxIdentifierBytes) is { } schema)
        {
            yield return schema;
        }

        if (SqlIdentifier.Problem(options.TableName, nameof(options.TableName), NpgsqlStoreDefaults.MaxTableNameBytes) is { } table)
        {
            yield return table;
        }

        if (options.PurgeInterval <= TimeSpan.Zero)
        {
            yield return $"{nameof(options.PurgeInterval)} must be positive.";
        }

        if (options.PurgeBatchSize < 1)
        {
            yield return $"{nameof(options.PurgeBatchSize)} must be at least 1.";
        }
    }
}
