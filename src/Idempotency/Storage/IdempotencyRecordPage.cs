namespace Idempotency;

/// <summary>One page of records listed by <see cref="IIdempotencyStoreListing.ListAsync"/>.</summary>
/// <param name="Records">The records of the page, newest first.</param>
/// <param name="Continuation">Passed back to read the next page; <see langword="null"/> after the last page.</param>
public sealed record IdempotencyRecordPage(IReadOnlyList<IdempotencyRecord> Records, string? Continuation);
