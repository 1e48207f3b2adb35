namespace Idempotency;

/// <summary>Options of the in-memory store.</summary>
/// <remarks>
/// The store is always bounded, by records and by estimated bytes; both limits must be positive. A claim for a new key
/// that would pass either limit first evicts expired records, then, if the store is still full of live records, is
/// refused with <see cref="IdempotencyStoreFullException"/>: a live record is never dropped to make room. Claims on keys
/// the store already holds (replays, takeovers) and completions of admitted claims are always accepted. See
/// <see cref="InMemoryIdempotencyStore.RecordOverheadBytes"/> for how a record's bytes are estimated.
/// </remarks>
public sealed class InMemoryStoreOptions
{
    /// <summary>Gets or sets the most records the store holds; a claim for a new key beyond it is refused with <see cref="IdempotencyStoreFullException"/>.</summary>
    /// <value>The default value is 100 000. Must be positive.</value>
    public int MaxRecords { get; set; } = IdempotencyDefaults.InMemoryMaxRecords;

    /// <summary>
    /// Gets or sets the most bytes the store's records may hold, as estimated by the store (payload plus a fixed
    /// per-record overhead, see <see cref="InMemoryIdempotencyStore.RecordOverheadBytes"/>); a claim for a new key beyond
    /// it is refused with <see cref="IdempotencyStoreFullException"/>.
    /// </summary>
    /// <value>The default value is 256 MiB (268 435 456). Must be positive.</value>
    /// <remarks>
    /// The limit governs admission of new claims. A completion is always stored, because its operation has already run:
    /// the estimate may therefore pass the limit by the payloads of the claims in flight, and new keys are refused
    /// until expired records are evicted.
    /// </remarks>
    public long MaxBytes { get; set; } = IdempotencyDefaults.InMemoryMaxBytes;

    /// <summary>Gets or sets how often expired records are swept; <see cref="TimeSpan.Zero"/> disables the sweep.</summary>
    /// <value>The default value is 1 minute.</value>
    /// <remarks>A full store also sweeps expired records when a new key needs room, at most once a second.</remarks>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets how many expired records one sweep removes at most.</summary>
    /// <value>The default value is 10 000.</value>
    public int SweepBatchSize { get; set; } = 10_000;

    /// <summary>Every problem of the options, named (checked at start-up and when a store is created).</summary>
    internal static IEnumerable<string> Errors(InMemoryStoreOptions options)
    {
        if (options.MaxRecords < 1)
        {
            yield return $"{nameof(MaxRecords)} must be at least 1 (it was {options.MaxRecords}).";
        }

        if (options.MaxBytes < 1)
        {
            yield return $"{nameof(MaxBytes)} must be at least 1 (it was {options.MaxBytes}).";
        }

        if (options.SweepBatchSize < 1)
        {
            yield return $"{nameof(SweepBatchSize)} must be at least 1 (it was {options.SweepBatchSize}).";
        }
    }
}
