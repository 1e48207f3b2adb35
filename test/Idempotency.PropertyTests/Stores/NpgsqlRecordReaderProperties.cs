using System.Globalization;
using CsCheck;
using Idempotency.Npgsql;
using Idempotency.TestServers;
using Npgsql;

namespace Idempotency.PropertyTests;

/// <summary>
/// The PostgreSQL store's row reader on rows a real server returns with the store's column types, holding anything
/// those types allow (NULLs, <c>infinity</c>, timestamps outside .NET's range, any smallint): a row reads back exactly
/// when it holds what the store writes, and is reported corrupt otherwise.
/// </summary>
public sealed class NpgsqlRecordReaderProperties(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private static readonly Gen<short?> Status = Gen.Frequency((4, Gen.Short[-1, 3].Select(static s => (short?)s)), (1, Gen.Short.Select(static s => (short?)s)), (1, Gen.Const((short?)null)));

    private static readonly Gen<string?> Text = Gen.Frequency((5, JsonGen.Text(12).Where(static s => !s.Contains('\0')).Select(static s => (string?)s)), (1, Gen.Const((string?)null)));

    // Timestamps as PostgreSQL spells them: normal ones at millisecond precision, and the edges of both ranges. Not the
    // years beyond about 31000: Npgsql 10 reads those wrapped around into .NET's range (294276-12-31 reads as a day in
    // 1999) without an error, so no reader can tell; the store never writes them (docs/reliability.md).
    private static readonly Gen<string?> Timestamp = Gen.Frequency(
        (4, StoreGen.Time.Select(static t => (string?)t.ToString("yyyy-MM-dd HH:mm:ss.fff+00", CultureInfo.InvariantCulture))),
        (2, Gen.OneOf<string?>(
            null, "infinity", "-infinity", "0001-01-01 00:00:00+00", "0001-01-01 00:00:00+00 BC", "4713-01-01 00:00:00+00 BC",
            "9999-12-31 23:59:59.999+00", "10000-01-01 00:00:00+00", "29999-12-31 23:59:59+00", "0001-01-01 00:00:00+01")));

    private static readonly Gen<byte[]?> Payload = Gen.Frequency((3, Gen.Byte.Array[0, 30].Select(static b => (byte[]?)b)), (1, Gen.Const((byte[]?)null)));

    private static readonly Gen<bool?> Retryable = Gen.Frequency((3, Gen.Bool.Select(static b => (bool?)b)), (1, Gen.Const((bool?)null)));

    private static readonly Gen<Row> Rows = Gen.Select(Status, Text, Text, Timestamp, Timestamp, Timestamp, Payload, Retryable)
        .Select(static r => new Row(r.Item1, r.Item2, r.Item3, r.Item4, r.Item5, r.Item6, r.Item7, r.Item8));

    [Fact]
    public async Task Read_AnyRow_GivesExactlyTheStoredRecordOrCorrupt()
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        Rows.Check(row =>
        {
            IdempotencyRecord? record = null;
            try
            {
                record = ReadBack(connection, row);
            }
            catch (IdempotencyRecordCorruptException)
            {
            }

            var expected = row.Expected();
            Assert.True(
                expected is null ? record is null : record is not null && Same(expected, record),
                $"read {Describe(record)}, expected {Describe(expected)}");
        }, suite: 300, oneThread: true);
    }

    private static IdempotencyRecord ReadBack(NpgsqlConnection connection, Row row)
    {
        // The columns of the store's table, as the server types them (the timestamps parsed from text by the server).
        using var command = new NpgsqlCommand("SELECT $1, $2, $3, $4::timestamptz, $5::timestamptz, $6::timestamptz, $7, $8", connection);
        command.Parameters.Add(new NpgsqlParameter<short?> { TypedValue = row.Status, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Smallint });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = row.Owner, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = row.Fingerprint, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = row.Created, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = row.Lease, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = row.Expires, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<byte[]?> { TypedValue = row.Payload, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter<bool?> { TypedValue = row.Retryable, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Boolean });
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        return RecordReader.Read(reader, 0, "key");
    }

    private static string Describe(IdempotencyRecord? record) => record is null
        ? "corrupt"
        : $"a record created {record.CreatedAt:O}, lease {record.LeaseExpiresAt:O}, expires {record.ExpiresAt:O}";

    private static bool Same(IdempotencyRecord a, IdempotencyRecord b) =>
        a.Status == b.Status && a.OwnerToken == b.OwnerToken && a.Fingerprint == b.Fingerprint && a.CreatedAt == b.CreatedAt
        && a.LeaseExpiresAt == b.LeaseExpiresAt && a.ExpiresAt == b.ExpiresAt && a.Payload.Span.SequenceEqual(b.Payload.Span) && a.Retryable == b.Retryable;

    private sealed record Row(short? Status, string? Owner, string? Fingerprint, string? Created, string? Lease, string? Expires, byte[]? Payload, bool? Retryable)
    {
        // The store writes: status 0-2, two texts, three times in .NET's range, a payload or NULL, a retryable flag.
        public IdempotencyRecord? Expected() =>
            Status is >= 0 and <= 2 && Owner is not null && Fingerprint is not null
            && Time(Created) is { } created && Time(Lease) is { } lease && Time(Expires) is { } expires && Retryable is { } retryable
                ? new IdempotencyRecord
                {
                    Key = "key",
                    Status = (IdempotencyRecordStatus)Status.Value,
                    OwnerToken = Owner,
                    Fingerprint = Fingerprint,
                    CreatedAt = created,
                    LeaseExpiresAt = lease,
                    ExpiresAt = expires,
                    Payload = Payload ?? ReadOnlyMemory<byte>.Empty,
                    Retryable = retryable,
                }
                : null;

        // Npgsql reads infinity as the end of time and -infinity as its start: the order PostgreSQL itself compares them in,
        // so a record the SQL conditions see as never expiring reads as never expiring.
        private static DateTimeOffset? Time(string? text) => text switch
        {
            "infinity" => DateTimeOffset.MaxValue,
            "-infinity" => DateTimeOffset.MinValue,
            not null when !text.EndsWith(" BC", StringComparison.Ordinal)
                && DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd HH:mm:ss.fffzz", "yyyy-MM-dd HH:mm:sszz"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) => time,
            _ => null,
        };
    }
}
