using Npgsql;

namespace Idempotency.Npgsql;

/// <summary>Turns a row into an <see cref="IdempotencyRecord"/>, or reports it corrupt; never guesses.</summary>
internal static class RecordReader
{
    /// <summary>Reads the record columns (see <see cref="NpgsqlStoreSql"/>) starting at <paramref name="first"/>.</summary>
    public static IdempotencyRecord Read(NpgsqlDataReader reader, int first, string key)
    {
        short status;
        try
        {
            status = reader.GetInt16(first);
        }
        catch (Exception ex) when (ex is InvalidCastException or FormatException or OverflowException)
        {
            throw new IdempotencyRecordCorruptException(key, "the status column is not a smallint", ex);
        }

        if (status is < (short)IdempotencyRecordStatus.InProgress or > (short)IdempotencyRecordStatus.Failed)
        {
            throw new IdempotencyRecordCorruptException(key, $"unknown status {status}");
        }

        try
        {
            return new IdempotencyRecord
            {
                Key = key,
                Status = (IdempotencyRecordStatus)status,
                OwnerToken = reader.GetString(first + 1),
                Fingerprint = reader.GetString(first + 2),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(first + 3),
                LeaseExpiresAt = reader.GetFieldValue<DateTimeOffset>(first + 4),
                ExpiresAt = reader.GetFieldValue<DateTimeOffset>(first + 5),
                Payload = reader.IsDBNull(first + 6) ? ReadOnlyMemory<byte>.Empty : reader.GetFieldValue<byte[]>(first + 6),
                Retryable = reader.GetBoolean(first + 7),
            };
        }
        catch (Exception ex) when (ex is InvalidCastException or FormatException or OverflowException or ArgumentOutOfRangeException)
        {
            // A NULL in a NOT NULL column (the table was altered) or a timestamp outside .NET's range.
            throw new IdempotencyRecordCorruptException(key, "a column holds a value the store cannot read", ex);
        }
    }
}
