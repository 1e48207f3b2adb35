namespace Idempotency.DynamoDB;

/// <summary>Every problem of the store options, checked at start-up and when a store is created.</summary>
internal static class DynamoDbStoreOptionsValidator
{
    public static IEnumerable<string> Errors(DynamoDbStoreOptions options)
    {
        if (TableNameProblem(options.TableName) is { } table)
        {
            yield return table;
        }

        if (options.NativeExpiryDelay < TimeSpan.Zero || options.NativeExpiryDelay > DynamoDbStoreDefaults.MaxNativeExpiryDelay)
        {
            yield return $"{nameof(options.NativeExpiryDelay)} must be between zero and {DynamoDbStoreDefaults.MaxNativeExpiryDelay.TotalDays} days.";
        }
    }

    private static string? TableNameProblem(string? name)
    {
        if (name is null || name.Length is < DynamoDbStoreDefaults.MinTableNameLength or > DynamoDbStoreDefaults.MaxTableNameLength)
        {
            return $"{nameof(DynamoDbStoreOptions.TableName)} must be {DynamoDbStoreDefaults.MinTableNameLength} to {DynamoDbStoreDefaults.MaxTableNameLength} characters long.";
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                return $"{nameof(DynamoDbStoreOptions.TableName)} may hold only letters, digits, '_', '-' and '.' (DynamoDB's table-name rules).";
            }
        }

        return null;
    }
}
