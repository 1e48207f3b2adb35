using System.Globalization;

namespace Idempotency.Testing;

/// <summary>
/// Counts the calls made to a store, per operation, so a test can assert round trips exactly: a first execution is one
/// claim and one completion, a replay one claim, a replay from the local cache none. Every call is counted when it
/// starts, whether it then succeeds or throws. Thread-safe.
/// </summary>
/// <example>
/// <code>
/// var store = new CountingIdempotencyStore(new InMemoryIdempotencyStore());
/// var executor = IdempotencyExecutor.Create(store: store);
/// await executor.ExecuteAsync(request, _ => ValueTask.FromResult(42), ct);
/// Assert.Equal(1, store.Count(IdempotencyStoreOperation.Claim));
/// Assert.Equal(2, store.TotalCount);
/// </code>
/// </example>
public sealed class CountingIdempotencyStore : DelegatingIdempotencyStore
{
    private readonly int[] _counts = new int[Enum.GetValues<IdempotencyStoreOperation>().Length];

    /// <summary>Initializes a new instance of the <see cref="CountingIdempotencyStore"/> class.</summary>
    /// <param name="innerStore">The store whose calls are counted.</param>
    public CountingIdempotencyStore(IIdempotencyStore innerStore)
        : base(innerStore)
    {
    }

    /// <summary>Gets the number of calls of every operation since creation or the last <see cref="Reset"/>.</summary>
    public int TotalCount
    {
        get
        {
            var total = 0;
            for (var i = 0; i < _counts.Length; i++)
            {
                total += Volatile.Read(ref _counts[i]);
            }

            return total;
        }
    }

    /// <summary>Gets the number of calls of one operation since creation or the last <see cref="Reset"/>.</summary>
    /// <param name="operation">The operation.</param>
    /// <returns>The number of calls.</returns>
    public int Count(IdempotencyStoreOperation operation) => Volatile.Read(ref _counts[Index(operation)]);

    /// <summary>Sets every count back to zero.</summary>
    public void Reset()
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            Interlocked.Exchange(ref _counts[i], 0);
        }
    }

    /// <summary>Lists the non-zero counts, for assertion messages.</summary>
    /// <returns>For example <c>Claim=1, Complete=1</c>.</returns>
    public override string ToString()
    {
        var parts = Enum.GetValues<IdempotencyStoreOperation>()
            .Where(operation => Count(operation) > 0)
            .Select(operation => string.Create(CultureInfo.InvariantCulture, $"{operation}={Count(operation)}"));
        var text = string.Join(", ", parts);
        return text.Length == 0 ? "no calls" : text;
    }

    /// <inheritdoc />
    protected override ValueTask<T> InvokeAsync<T>(IdempotencyStoreOperation operation, Func<ValueTask<T>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        Interlocked.Increment(ref _counts[Index(operation)]);
        return call();
    }

    private int Index(IdempotencyStoreOperation operation)
    {
        var index = (int)operation;
        ArgumentOutOfRangeException.ThrowIfNegative(index, nameof(operation));
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _counts.Length, nameof(operation));
        return index;
    }
}
