namespace Idempotency.Cli.Output;

/// <summary>What the tool shows of one record, computed once for the table and the JSON.</summary>
internal sealed record RecordView(
    string StoreKey,
    string Status,
    DateTimeOffset CreatedAt,
    TimeSpan Age,
    DateTimeOffset LeaseExpiresAt,
    TimeSpan? LeaseLeft,
    DateTimeOffset ExpiresAt,
    TimeSpan ExpiresIn,
    int PayloadBytes,
    bool Retryable,
    PayloadPreview Preview)
{
    public static RecordView From(IdempotencyRecord record, DateTimeOffset now) => new(
        record.Key,
        StatusName(record.Status),
        record.CreatedAt,
        Positive(now - record.CreatedAt),
        record.LeaseExpiresAt,
        record.Status == IdempotencyRecordStatus.InProgress ? Positive(record.LeaseExpiresAt - now) : null,
        record.ExpiresAt,
        Positive(record.ExpiresAt - now),
        record.Payload.Length,
        record.Retryable,
        PayloadPreview.Of(record.Payload));

    public static string StatusName(IdempotencyRecordStatus status) => status switch
    {
        IdempotencyRecordStatus.InProgress => "in-progress",
        IdempotencyRecordStatus.Completed => "completed",
        IdempotencyRecordStatus.Failed => "failed",
        _ => status.ToString(),
    };

    // Clocks differ between the writer and this machine: a record "created in the future" is shown as 0 s old.
    private static TimeSpan Positive(TimeSpan value) => value < TimeSpan.Zero ? TimeSpan.Zero : value;
}
