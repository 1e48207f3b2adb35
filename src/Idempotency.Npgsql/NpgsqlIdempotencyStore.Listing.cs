using Idempotency.Listing;
using Npgsql;
using NpgsqlTypes;

namespace Idempotency.Npgsql;

public sealed partial class NpgsqlIdempotencyStore
{
    /// <inheritdoc />
    /// <remarks>
    /// Newest first across pages (by creation time, then store key). One statement per page; no index serves this
    /// order, so each page reads every live row (of the status asked) older than the continuation and keeps the newest
    /// <paramref name="limit"/>: a page costs O(rows), paging through the table O(rows² / limit). Rows with a status this
    /// version does not know are left out.
    /// </remarks>
    public ValueTask<IdempotencyRecordPage> ListAsync(IdempotencyRecordStatus? status, DateTimeOffset now, int limit, string? continuation, CancellationToken cancellationToken)
    {
        ListingLimit.ThrowIfInvalid(limit);
        (DateTimeOffset CreatedAt, string Key)? after = continuation is null ? null : NewestFirstContinuation.Decode(continuation);
        return RunAsync(
            "list",
            _sql.List,
            (status, now, limit, after),
            static (parameters, s) =>
            {
                parameters.Add(Instant(s.now));
                parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Smallint, Value = s.status is { } status ? (short)status : DBNull.Value });
                parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = s.after is { } a ? a.CreatedAt.ToUniversalTime() : DBNull.Value });
                parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = s.after is { } b ? b.Key : DBNull.Value });

                // One row more than the page tells whether another page follows.
                parameters.Add(Integer(s.limit + 1));
            },
            static async (command, s, ct) =>
            {
                var records = new List<IdempotencyRecord>(Math.Min(s.limit, 64));
                var rows = 0;
                (DateTimeOffset CreatedAt, string Key) last = (default, "");
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        if (rows == s.limit)
                        {
                            return new IdempotencyRecordPage(records, NewestFirstContinuation.Encode(last.CreatedAt, last.Key));
                        }

                        rows++;
                        last = (reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(8));
                        try
                        {
                            records.Add(RecordReader.Read(reader, 0, last.Key));
                        }
                        catch (IdempotencyRecordCorruptException)
                        {
                            // Left out, as from the counts; the next page still starts after this row.
                        }
                    }
                }

                return new IdempotencyRecordPage(records, null);
            },
            cancellationToken,
            repeatable: true);
    }
}
