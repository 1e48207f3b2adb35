using Microsoft.Extensions.Options;

namespace Idempotency.Npgsql;

/// <summary>Checks the store options once, at start-up.</summary>
internal sealed class NpgsqlStoreOptionsValidator : IValidateOptions<NpgsqlStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, NpgsqlStoreOptions options)
    {
        var errors = Errors(options).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

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

    public static void ThrowIfInvalid(NpgsqlStoreOptions options)
    {
        var errors = Errors(options).ToList();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }
    }
}
