namespace Idempotency;

/// <summary>Options of the in-memory store.</summary>
public sealed class InMemoryStoreOptions
{
    /// <summary>Gets or sets the most records the store holds; a claim for a new key beyond it fails closed.</summary>
    /// <value>The default value is <see langword="null"/> (unbounded).</value>
    public int? MaxRecords { get; set; }

    /// <summary>Gets or sets how often expired records are swept; <see cref="TimeSpan.Zero"/> disables the sweep.</summary>
    /// <value>The default value is 1 minute.</value>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets how many expired records one sweep removes at most.</summary>
    /// <value>The default value is 10 000.</value>
    public int SweepBatchSize { get; set; } = 10_000;
}
