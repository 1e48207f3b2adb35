using System.Runtime.InteropServices;
using Idempotency.Listing;
using Microsoft.Data.Sqlite;

namespace Idempotency.Sqlite;

/// <summary>
/// Runs the store's statements on a given connection (and, optionally, a transaction the caller owns), with the values
/// converted to the table's form. No pooling, locking or error translation here: the store adds those around each call,
/// and a transactional caller runs the same statements inside its own transaction.
/// </summary>
internal static class SqliteStoreCommands
{
    /// <summary>Reads the record that holds the key against <paramref name="request"/>, or <see langword="null"/> when none does.</summary>
    public static IdempotencyRecord? ReadLive(SqliteConnection connection, SqliteTransaction? transaction, SqliteStoreSql sql, in IdempotencyClaimRequest request)
    {
        using var command = Create(connection, transaction, sql.ReadLive);
        command.Parameters.AddWithValue("$key", request.Key);
        command.Parameters.AddWithValue("$fingerprint", request.Fingerprint);
        command.Parameters.AddWithValue("$now", Milliseconds(request.Now));
        return ReadOne(command, request.Key);
    }

    /// <summary>Writes the in-progress record unless a live one holds the key; <see langword="true"/> when this claim wrote it.</summary>
    public static bool TryClaim(SqliteConnection connection, SqliteTransaction? transaction, SqliteStoreSql sql, in IdempotencyClaimRequest request)
    {
        using var command = Create(connection, transaction, sql.Claim);
        command.Parameters.AddWithValue("$key", request.Key);
        command.Parameters.AddWithValue("$owner", request.OwnerToken);
        command.Parameters.AddWithValue("$fingerprint", request.Fingerprint);
        command.Parameters.AddWithValue("$now", Milliseconds(request.Now));
        command.Parameters.AddWithValue("$lease", Milliseconds(request.Now + request.Lease));
        command.Parameters.AddWithValue("$expires", Milliseconds(request.Now + request.Ttl));
        using var reader = command.ExecuteReader();
        return reader.Read();
    }

    public static bool Complete(SqliteConnection connection, SqliteTransaction? transaction, SqliteStoreSql sql, string key, string ownerToken, ReadOnlyMemory<byte> payload, DateTimeOffset now, TimeSpan ttl)
    {
        using var command = Owned(connection, transaction, sql.Complete, key, ownerToken);
        command.Parameters.Add(Blob(payload));
        command.Parameters.AddWithValue("$now", Milliseconds(now));
        command.Parameters.AddWithValue("$expires", Milliseconds(now + ttl));
        return command.ExecuteNonQuery() == 1;
    }

    public static bool Fail(SqliteConnection connection, SqliteTransaction? transaction, SqliteStoreSql sql, string key, string ownerToken, ReadOnlyMemory<byte> payload, bool retryable, DateTimeOffset now, TimeSpan ttl)
    {
        using var command = Owned(connection, transaction, sql.Fail, key, ownerToken);
        command.Parameters.Add(Blob(payload));
        command.Parameters.AddWithValue("$retryable", retryable ? 1L : 0L);
        command.Parameters.AddWithValue("$now", Milliseconds(now));
        command.Parameters.AddWithValue("$expires", Milliseconds(now + ttl));
        return command.ExecuteNonQuery() == 1;
    }

    public static bool Release(SqliteConnection connection, SqliteTransaction? transaction, SqliteStoreSql sql, string key, string ownerToken)
    {
        using var command = Owned(connection, transaction, sql.Release, key, ownerToken);
        return command.ExecuteNonQuery() == 1;
    }

    public static bool Renew(SqliteConnection connection, SqliteTransaction? transaction, SqliteStoreSql sql, string key, string ownerToken, DateTimeOffset leaseExpiresAt)
    {
        using var command = Owned(connection, transaction, sql.Renew, key, ownerToken);
        command.Parameters.AddWithValue("$lease", Milliseconds(leaseExpiresAt));
        return command.ExecuteNonQuery() == 1;
    }

    public static IdempotencyRecord? Get(SqliteConnection connection, SqliteTransaction? transaction, SqliteStoreSql sql, string key, DateTimeOffset now)
    {
        using var command = Create(connection, transaction, sql.Get);
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$now", Milliseconds(now));
        return ReadOne(command, key);
    }

    public static bool Delete(SqliteConnection connection, SqliteTransaction? transaction, SqliteStoreSql sql, string key)
    {
        using var command = Create(connection, transaction, sql.Delete);
        command.Parameters.AddWithValue("$key", key);
        return command.ExecuteNonQuery() > 0;
    }

    public static int Purge(SqliteConnection connection, SqliteTransaction? transaction, SqliteStoreSql sql, DateTimeOffset now, int batchSize)
    {
        using var command = Create(connection, transaction, sql.Purge);
        command.Parameters.AddWithValue("$now", Milliseconds(now));
        command.Parameters.AddWithValue("$batch", (long)batchSize);
        return command.ExecuteNonQuery();
    }

    /// <remarks>Rows with a status this version does not know are not counted.</remarks>
    public static IReadOnlyDictionary<IdempotencyRecordStatus, long> CountByStatus(SqliteConnection connection, SqliteTransaction? transaction, SqliteStoreSql sql, DateTimeOffset now)
    {
        var counts = new Dictionary<IdempotencyRecordStatus, long>
        {
            [IdempotencyRecordStatus.InProgress] = 0,
            [IdempotencyRecordStatus.Completed] = 0,
            [IdempotencyRecordStatus.Failed] = 0,
        };
        using var command = Create(connection, transaction, sql.CountByStatus);
        command.Parameters.AddWithValue("$now", Milliseconds(now));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (reader.GetFieldType(0) == typeof(long) && reader.GetInt64(0) is >= 0 and <= 2 and var status)
            {
                counts[(IdempotencyRecordStatus)status] = reader.GetInt64(1);
            }
        }

        return counts;
    }

    /// <summary>
    /// Reads one page, newest first. One row more than the page is read to tell whether another page follows. Rows this
    /// version cannot read (an unknown status) are left out of the page, as they are from the counts.
    /// </summary>
    public static IdempotencyRecordPage List(SqliteConnection connection, SqliteTransaction? transaction, SqliteStoreSql sql, IdempotencyRecordStatus? status, DateTimeOffset now, int limit, (DateTimeOffset CreatedAt, string Key)? after)
    {
        using var command = Create(connection, transaction, sql.List);
        command.Parameters.AddWithValue("$now", Milliseconds(now));
        command.Parameters.AddWithValue("$status", status is { } s ? (long)s : DBNull.Value);
        command.Parameters.AddWithValue("$after_created", after is { } a ? Milliseconds(a.CreatedAt) : DBNull.Value);
        command.Parameters.AddWithValue("$after_key", after is { } b ? b.Key : DBNull.Value);
        command.Parameters.AddWithValue("$limit", (long)limit + 1);
        var records = new List<IdempotencyRecord>(Math.Min(limit, 64));
        var rows = 0;
        (long CreatedAt, string Key) last = (0, "");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (rows == limit)
            {
                // The extra row: another page follows, starting after the last row of this one.
                return new IdempotencyRecordPage(records, NewestFirstContinuation.Encode(DateTimeOffset.FromUnixTimeMilliseconds(last.CreatedAt), last.Key));
            }

            rows++;
            last = (reader.GetInt64(3), reader.GetString(8));
            try
            {
                records.Add(SqliteRecordReader.Read(reader, last.Key));
            }
            catch (IdempotencyRecordCorruptException)
            {
                // Left out, as from the counts; the next page still starts after this row.
            }
        }

        return new IdempotencyRecordPage(records, null);
    }

    // Unix milliseconds: the conformance suite compares times to the millisecond, and integers compare exactly.
    public static long Milliseconds(DateTimeOffset instant) => instant.ToUnixTimeMilliseconds();

    private static SqliteCommand Create(SqliteConnection connection, SqliteTransaction? transaction, string text)
    {
        var command = connection.CreateCommand();
        command.CommandText = text;
        command.Transaction = transaction;
        return command;
    }

    private static SqliteCommand Owned(SqliteConnection connection, SqliteTransaction? transaction, string text, string key, string ownerToken)
    {
        var command = Create(connection, transaction, text);
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$owner", ownerToken);
        return command;
    }

    // The engine's payload is opaque bytes; an empty one is stored as an empty blob (not NULL) and reads back empty.
    // The driver binds whole arrays only: a payload that is one already is bound as is, any other slice is copied.
    private static SqliteParameter Blob(ReadOnlyMemory<byte> payload) =>
        new("$payload", SqliteType.Blob)
        {
            Value = MemoryMarshal.TryGetArray(payload, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
                ? segment.Array
                : payload.ToArray(),
        };

    private static IdempotencyRecord? ReadOne(SqliteCommand command, string key)
    {
        using var reader = command.ExecuteReader();
        return reader.Read() ? SqliteRecordReader.Read(reader, key) : null;
    }
}
