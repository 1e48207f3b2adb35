using CsCheck;
using Idempotency.Sqlite;
using Microsoft.Data.Sqlite;

namespace Idempotency.PropertyTests;

/// <summary>
/// The SQLite store's row reader on rows of any storage class (a table not created <c>STRICT</c>, or edited by hand): a
/// row reads back exactly when every column holds what the store writes, and is reported corrupt otherwise.
/// </summary>
public sealed class SqliteRecordReaderProperties : IDisposable
{
    private static readonly string[] Columns = ["status", "owner_token", "fingerprint", "created_at", "lease_expires_at", "expires_at", "payload", "retryable"];
    private static readonly long MinMilliseconds = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxMilliseconds = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    // What SQLite may hold in a column: an integer (small, at the edges of the time range, anything), a real, text
    // (some of it numeric, which SQLite would convert on read), a blob, or NULL.
    private static readonly Gen<object?> AnyValue = Gen.Frequency(
        (3, Gen.OneOf<object?>(0L, 1L, 2L, 3L, -1L, MinMilliseconds, MaxMilliseconds, MinMilliseconds - 1, MaxMilliseconds + 1, long.MaxValue, long.MinValue)),
        (2, Gen.Long.Select(static n => (object?)n)),
        (1, Gen.OneOf<object?>(0.0, 1.0, 1.5, -2.5e300)),
        (2, Gen.OneOf<object?>("0", "1", "2", " 1", "1.0", "owner", "")),
        (2, JsonGen.Text(12).Select(static s => (object?)s)),
        (1, Gen.Byte.Array[0, 20].Select(static b => (object?)b)),
        (1, Gen.Const((object?)null)));

    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public SqliteRecordReaderProperties()
    {
        _connection.Open();
        using var create = _connection.CreateCommand();
        create.CommandText = $"CREATE TABLE records ({string.Join(", ", Columns)})"; // no types: every value keeps its class
        create.ExecuteNonQuery();
    }

    public void Dispose() => _connection.Dispose();

    [Fact]
    public void Read_AnyRow_GivesExactlyTheStoredRecordOrCorrupt() =>
        AnyValue.Array[Columns.Length].Check(values =>
        {
            IdempotencyRecord? record = null;
            try
            {
                record = ReadBack(values);
            }
            catch (IdempotencyRecordCorruptException)
            {
            }

            var expected = Expected(values);
            Assert.True(
                expected is null ? record is null : record is not null && Same(expected, record),
                $"read {(record is null ? "corrupt" : "a record")}, expected {(expected is null ? "corrupt" : "a record")}");
        }, oneThread: true);

    private IdempotencyRecord ReadBack(object?[] values)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"DELETE FROM records; INSERT INTO records VALUES ({string.Join(", ", Columns.Select((_, i) => "$v" + i))}); SELECT {string.Join(", ", Columns)} FROM records";
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.AddWithValue("$v" + i, values[i] ?? DBNull.Value);
        }

        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        return SqliteRecordReader.Read(reader, "key");
    }

    // The store writes: status 0-2, two texts, three integer times in .NET's range, a blob or NULL, retryable 0 or 1.
    private static IdempotencyRecord? Expected(object?[] v) =>
        v[0] is long status and >= 0 and <= 2
        && v[1] is string owner && v[2] is string fingerprint
        && Time(v[3]) is { } created && Time(v[4]) is { } lease && Time(v[5]) is { } expires
        && v[6] is null or byte[]
        && v[7] is long retryable and (0 or 1)
            ? new IdempotencyRecord
            {
                Key = "key",
                Status = (IdempotencyRecordStatus)status,
                OwnerToken = owner,
                Fingerprint = fingerprint,
                CreatedAt = created,
                LeaseExpiresAt = lease,
                ExpiresAt = expires,
                Payload = v[6] as byte[] ?? ReadOnlyMemory<byte>.Empty,
                Retryable = retryable == 1,
            }
            : null;

    private static DateTimeOffset? Time(object? value) =>
        value is long milliseconds && milliseconds >= MinMilliseconds && milliseconds <= MaxMilliseconds ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds) : null;

    private static bool Same(IdempotencyRecord a, IdempotencyRecord b) =>
        a.Status == b.Status && a.OwnerToken == b.OwnerToken && a.Fingerprint == b.Fingerprint && a.CreatedAt == b.CreatedAt
        && a.LeaseExpiresAt == b.LeaseExpiresAt && a.ExpiresAt == b.ExpiresAt && a.Payload.Span.SequenceEqual(b.Payload.Span) && a.Retryable == b.Retryable;
}
