using System.Collections.Concurrent;

namespace Idempotency.Testing;

/// <summary>
/// Makes chosen store operations fail or slow down, changeable while a test runs: throw
/// <see cref="IdempotencyStoreUnavailableException"/> (what a store reports when its backend fails), throw any other
/// exception (what a raw driver throws), or delay the call on a clock the test controls. One rule per operation; a rule
/// applies to every call until <see cref="Heal"/> or for a given number of calls. Thread-safe.
/// </summary>
/// <example>
/// <code>
/// var store = new FaultInjectingIdempotencyStore(new InMemoryIdempotencyStore());
/// store.ThrowUnavailable(IdempotencyStoreOperation.Complete, times: 1); // the next completion fails
/// store.Throw(IdempotencyStoreOperation.Claim, () => new TimeoutException("driver timeout"));
/// store.HealAll();
/// </code>
/// </example>
public sealed class FaultInjectingIdempotencyStore : DelegatingIdempotencyStore
{
    private readonly ConcurrentDictionary<IdempotencyStoreOperation, FaultRule> _rules = new();
    private readonly TimeProvider _timeProvider;
    private int _injectedFaults;

    /// <summary>Initializes a new instance of the <see cref="FaultInjectingIdempotencyStore"/> class.</summary>
    /// <param name="innerStore">The store that does the work when no fault applies.</param>
    /// <param name="timeProvider">The clock of injected delays (a <c>FakeTimeProvider</c> lets the test release them); the system clock when <see langword="null"/>.</param>
    public FaultInjectingIdempotencyStore(IIdempotencyStore innerStore, TimeProvider? timeProvider = null)
        : base(innerStore) => _timeProvider = timeProvider ?? TimeProvider.System;

    /// <summary>Gets how many calls a rule has disturbed (thrown or delayed) so far.</summary>
    public int InjectedFaultCount => Volatile.Read(ref _injectedFaults);

    /// <summary>Makes an operation throw <see cref="IdempotencyStoreUnavailableException"/> before it reaches the inner store.</summary>
    /// <param name="operation">The operation.</param>
    /// <param name="times">How many calls fail before the rule removes itself; every call until <see cref="Heal"/> when <see langword="null"/>.</param>
    public void ThrowUnavailable(IdempotencyStoreOperation operation, int? times = null) =>
        Throw(operation, () => new IdempotencyStoreUnavailableException($"Injected fault: the store is unavailable for {operation}."), times);

    /// <summary>Makes an operation throw an exception of your choice, for example the raw exception of a driver.</summary>
    /// <param name="operation">The operation.</param>
    /// <param name="exceptionFactory">Creates the exception, once per failing call.</param>
    /// <param name="times">How many calls fail before the rule removes itself; every call until <see cref="Heal"/> when <see langword="null"/>.</param>
    /// <param name="afterInnerCall">
    /// <see langword="true"/> to call the inner store first and throw afterwards: the write happened, but the caller sees an
    /// error (a timeout after the server committed).
    /// </param>
    public void Throw(IdempotencyStoreOperation operation, Func<Exception> exceptionFactory, int? times = null, bool afterInnerCall = false)
    {
        ArgumentNullException.ThrowIfNull(exceptionFactory);
        SetRule(operation, new FaultRule(exceptionFactory, TimeSpan.Zero, times, afterInnerCall));
    }

    /// <summary>Makes an operation wait before it reaches the inner store. The caller's cancellation ends the wait.</summary>
    /// <param name="operation">The operation.</param>
    /// <param name="delay">How long, on the clock given to the constructor.</param>
    /// <param name="times">How many calls are delayed before the rule removes itself; every call until <see cref="Heal"/> when <see langword="null"/>.</param>
    public void Delay(IdempotencyStoreOperation operation, TimeSpan delay, int? times = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        SetRule(operation, new FaultRule(null, delay, times, afterInnerCall: false));
    }

    /// <summary>Removes the rule of one operation: its calls reach the inner store again.</summary>
    /// <param name="operation">The operation.</param>
    public void Heal(IdempotencyStoreOperation operation) => _rules.TryRemove(operation, out _);

    /// <summary>Removes every rule.</summary>
    public void HealAll() => _rules.Clear();

    /// <inheritdoc />
    protected override async ValueTask<T> InvokeAsync<T>(IdempotencyStoreOperation operation, Func<ValueTask<T>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!TryTake(operation, out var rule))
        {
            return await call().ConfigureAwait(false);
        }

        Interlocked.Increment(ref _injectedFaults);
        if (rule.Delay > TimeSpan.Zero)
        {
            await Task.Delay(rule.Delay, _timeProvider, cancellationToken).ConfigureAwait(false);
        }

        if (rule.ExceptionFactory is null)
        {
            return await call().ConfigureAwait(false);
        }

        if (rule.AfterInnerCall)
        {
            await call().ConfigureAwait(false);
        }

        throw rule.ExceptionFactory();
    }

    private void SetRule(IdempotencyStoreOperation operation, FaultRule rule)
    {
        if (rule.Times is { } times)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(times, 1, nameof(times));
        }

        _rules[operation] = rule;
    }

    // Takes one use of the operation's rule; a counted rule removes itself when used up.
    private bool TryTake(IdempotencyStoreOperation operation, out FaultRule rule)
    {
        while (_rules.TryGetValue(operation, out rule!))
        {
            if (!rule.IsCounted)
            {
                return true;
            }

            var left = Interlocked.Decrement(ref rule.Remaining);
            if (left == 0)
            {
                _rules.TryRemove(KeyValuePair.Create(operation, rule));
            }

            if (left >= 0)
            {
                return true;
            }

            // Used up by a concurrent call: drop it if it is still there, then look again.
            _rules.TryRemove(KeyValuePair.Create(operation, rule));
        }

        return false;
    }

    private sealed class FaultRule(Func<Exception>? exceptionFactory, TimeSpan delay, int? times, bool afterInnerCall)
    {
        // Counts down with Interlocked; int.MaxValue stands for "until healed".
        public int Remaining = times ?? int.MaxValue;

        public Func<Exception>? ExceptionFactory { get; } = exceptionFactory;

        public TimeSpan Delay { get; } = delay;

        public int? Times { get; } = times;

        public bool AfterInnerCall { get; } = afterInnerCall;

        public bool IsCounted => Times is not null;
    }
}
