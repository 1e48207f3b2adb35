using Idempotency.Decorators;

namespace Idempotency.Generators.Tests.Behaviour;

public sealed record Receipt(string OrderId, decimal Amount, int Run);

public sealed record Order(string Id, string Customer, decimal Total);

// The generator runs on this project: IPayments gets a real decorator, registered by the generated AddIdempotent.
public interface IPayments
{
    [Idempotent(Key = "orderId")]
    Task<Receipt> ChargeAsync(string orderId, decimal amount, [ExcludeFromFingerprint] string? note, CancellationToken cancellationToken);

    [Idempotent(Key = "orderId")]
    Task<string?> FindNoteAsync(string orderId);

    [Idempotent]
    ValueTask<int> CountAsync([IdempotencyKey] Guid batch);

    [Idempotent(Key = "orderId")]
    bool Approve(string orderId);

    [Idempotent(Key = "orderId")]
    void Record(string orderId);

    [Idempotent(Key = "orderId")]
    Task SendAsync(string orderId, CancellationToken cancellationToken);

    [Idempotent(Key = "orderId")]
    ValueTask NotifyAsync(string orderId);

    [Idempotent(Key = "order.Id", Operation = "payments.place")]
    Task<int> PlaceAsync(Order order);

    [Idempotent(Key = "[order.customer, order.id]")]
    Task<int> ShipAsync(Order order);

    [Idempotent(Key = "orderId", KeyRequirement = KeyRequirement.Optional)]
    Task<int> TryAsync(string? orderId);

    [Idempotent(Key = "orderId", Policy = "fail-open")]
    Task<int> BestEffortAsync(string orderId);

    [Idempotent(Key = "orderId")]
    Task<int> SlowAsync(string orderId, CancellationToken cancellationToken);

    [Idempotent(Key = "orderId")]
    Task<IReadOnlyList<string>> TagsAsync(string orderId);

    [Idempotent(Key = "orderId")]
    Task<int> FlakyAsync(string orderId);

    int Runs(string method);
}

/// <summary>Counts the runs of each method (shared by every scope), and holds <see cref="IPayments.SlowAsync"/> until released.</summary>
public sealed class RunLog
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _runs = new(StringComparer.Ordinal);

    public TaskCompletionSource SlowGate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource SlowStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CancellationToken LastToken { get; set; }

    public int Ran(string method) => _runs.AddOrUpdate(method, 1, (_, count) => count + 1);

    public int Count(string method) => _runs.GetValueOrDefault(method);
}

public sealed class Payments(RunLog log) : IPayments
{
    public Task<Receipt> ChargeAsync(string orderId, decimal amount, string? note, CancellationToken cancellationToken) =>
        Task.FromResult(new Receipt(orderId, amount, log.Ran(nameof(ChargeAsync))));

    public Task<string?> FindNoteAsync(string orderId)
    {
        log.Ran(nameof(FindNoteAsync));
        return Task.FromResult<string?>(null);
    }

    public ValueTask<int> CountAsync(Guid batch)
    {
        log.Ran(nameof(CountAsync));
        return ValueTask.FromResult(0);
    }

    public bool Approve(string orderId)
    {
        log.Ran(nameof(Approve));
        return false;
    }

    public void Record(string orderId) => log.Ran(nameof(Record));

    public Task SendAsync(string orderId, CancellationToken cancellationToken)
    {
        log.LastToken = cancellationToken;
        log.Ran(nameof(SendAsync));
        return Task.CompletedTask;
    }

    public ValueTask NotifyAsync(string orderId)
    {
        log.Ran(nameof(NotifyAsync));
        return ValueTask.CompletedTask;
    }

    public Task<int> PlaceAsync(Order order) => Task.FromResult(log.Ran(nameof(PlaceAsync)));

    public Task<int> ShipAsync(Order order) => Task.FromResult(log.Ran(nameof(ShipAsync)));

    public Task<int> TryAsync(string? orderId) => Task.FromResult(log.Ran(nameof(TryAsync)));

    public Task<int> BestEffortAsync(string orderId) => Task.FromResult(log.Ran(nameof(BestEffortAsync)));

    public async Task<int> SlowAsync(string orderId, CancellationToken cancellationToken)
    {
        var run = log.Ran(nameof(SlowAsync));
        log.SlowStarted.TrySetResult();
        await log.SlowGate.Task.WaitAsync(cancellationToken);
        return run;
    }

    public Task<IReadOnlyList<string>> TagsAsync(string orderId)
    {
        log.Ran(nameof(TagsAsync));
        return Task.FromResult<IReadOnlyList<string>>([]);
    }

    public Task<int> FlakyAsync(string orderId)
    {
        var run = log.Ran(nameof(FlakyAsync));
        return run == 1 ? throw new InvalidOperationException("The first run fails.") : Task.FromResult(run);
    }

    public int Runs(string method) => log.Count(method);
}

// An interface without [Idempotent] methods: it has no decorator.
public interface IPlain
{
    int Value();
}

public sealed class Plain : IPlain
{
    public int Value() => 1;
}
