namespace Idempotency;

/// <summary>Implemented by stores that can count their live records by status.</summary>
public interface IIdempotencyStoreStatistics
{
    /// <summary>Counts the records live at <paramref name="now"/>, by status.</summary>
    /// <param name="now">The caller's clock.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One entry per status (zero counts included).</returns>
    ValueTask<IReadOnlyDictionary<IdempotencyRecordStatus, long>> CountByStatusAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
