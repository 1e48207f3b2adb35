using Microsoft.Data.Sqlite;

namespace Idempotency.Sqlite;

/// <summary>Turns a row into an <see cref="IdempotencyRecord"/>, or reports it corrupt; never guesses.</summary>
internal static class SqliteRecordReader
{
    /// <summary>Reads the record columns (see <see cref="SqliteStoreSql"/>) starting at column 0.</summary>
    public static IdempotencyRecord Read(SqliteDataReader reader, string key)
    {
        long status;
        try
        {
            status = Integer(reader, 0);
        }
        catch (Exception ex) when (ex is InvalidCastException or FormatException or OverflowException)
        {
            throw new IdempotencyRecordCorruptException(key, "the status column is not an integer", ex);
        }

        if (status is < (long)IdempotencyRecordStatus.InProgress or > (long)IdempotencyRecordStatus.Failed)
        {
            throw new IdempotencyRecordCorruptException(key, $"unknown status {status}");
        }

        try
        {
            return new IdempotencyRecord
            {
                Key = key,
                Status = (IdempotencyRecordStatus)status,
                OwnerToken = Text(reader, 1),
                Fingerprint = Text(reader, 2),
                CreatedAt = Instant(reader, 3),
                LeaseExpiresAt = Instant(reader, 4),
                ExpiresAt = Instant(reader, 5),
                Payload = reader.IsDBNull(6) ? ReadOnlyMemory<byte>.Empty : (byte[])reader.GetValue(6),
                Retryable = Integer(reader, 7) switch
                {
                    0 => false,
                    1 => true,
                    var other => throw new FormatException($"retryable is {other}, not 0 or 1"),
                },
            };
        }
        catch (Exception ex) when (ex is InvalidCastException or FormatException or OverflowException or ArgumentOutOfRangeException)
        {
            // A value of another type (a table not created STRICT) or a time outside .NET's range.
            throw new IdempotencyRecordCorruptException(key, "a column holds a value the store cannot read", ex);
        }
    }

    // SQLite converts between storage classes on read (an integer read as text, a text read as 0): check the class first.
    private static string Text(SqliteDataReader reader, int ordinal) =>
        reader.GetFieldType(ordinal) == typeof(string) ? reader.GetString(ordinal) : throw new InvalidCastException($"column {ordinal} is not text");

    // Text 'abc' or a real would otherwise read as 0 (in progress, not retryable).
    private static long Integer(SqliteDataReader reader, int ordinal) =>
        reader.GetFieldType(ordinal) == typeof(long) ? reader.GetInt64(ordinal) : throw new InvalidCastException($"column {ordinal} is not an integer");

    private static DateTimeOffset Instant(SqliteDataReader reader, int ordinal) => DateTimeOffset.FromUnixTimeMilliseconds(Integer(reader, ordinal));
}
