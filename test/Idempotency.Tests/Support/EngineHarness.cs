using Idempotency.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Idempotency.Tests;

/// <summary>
/// One engine built through dependency injection, as an app builds it, over a store stack the test can watch and disturb:
/// counting (outermost) → fault injection → in-memory. Time is a <see cref="FakeTimeProvider"/>; metrics and logs are collected.
/// </summary>
internal sealed class EngineHarness : IDisposable
{
    public static readonly DateTimeOffset Start = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services;

    public EngineHarness(Action<IdempotencyOptions>? configure = null, FakeTimeProvider? clock = null, IIdempotencyStore? innerStore = null)
    {
        Clock = clock ?? new FakeTimeProvider(Start);
        Memory = innerStore as InMemoryIdempotencyStore ?? new InMemoryIdempotencyStore(new InMemoryStoreOptions { SweepInterval = TimeSpan.Zero }, Clock);
        Faults = new FaultInjectingIdempotencyStore(innerStore ?? Memory, Clock);
        Calls = new CountingIdempotencyStore(Faults);

        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSingleton<IIdempotencyStore>(Calls);
        services.AddMetrics();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
        services.AddIdempotency(configure ?? (static _ => { }));
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Requests = new MetricCollector<long>(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), IdempotencyTelemetry.Name, IdempotencyTelemetry.RequestsInstrument);
        Executor = _services.GetRequiredService<IIdempotencyExecutor>();
        Administrator = _services.GetRequiredService<IIdempotencyAdministrator>();
        Logs = _services.GetFakeLogCollector();
    }

    public FakeTimeProvider Clock { get; }

    public InMemoryIdempotencyStore Memory { get; }

    public FaultInjectingIdempotencyStore Faults { get; }

    public CountingIdempotencyStore Calls { get; }

    public IIdempotencyExecutor Executor { get; }

    public IIdempotencyAdministrator Administrator { get; }

    public MetricCollector<long> Requests { get; }

    public FakeLogCollector Logs { get; }

    public IServiceProvider Services => _services;

    /// <summary>How many requests were counted with this outcome tag.</summary>
    public long CountOutcome(string outcome) =>
        Requests.GetMeasurementSnapshot().Where(m => m.Tags.TryGetValue(IdempotencyTelemetry.OutcomeTag, out var tag) && (string?)tag == outcome).Sum(m => m.Value);

    public string StoreKey(string operation, string key, string? scope = null) => Administrator.GetStoreKey(operation, key, scope);

    /// <summary>Reads a record straight from the in-memory store, past the counting and fault layers.</summary>
    public ValueTask<IdempotencyRecord?> ReadAsync(string operation, string key, string? scope = null) =>
        Memory.GetAsync(StoreKey(operation, key, scope), Clock.GetUtcNow(), CancellationToken.None);

    public ValueTask<IdempotencyResult<T>> RunAsync<T>(IdempotencyRequest request, Func<T> operation) =>
        Executor.ExecuteAsync(request, _ => ValueTask.FromResult(operation()), CancellationToken.None);

    /// <summary>
    /// Moves the fake clock on in small steps until <paramref name="task"/> ends: for work that waits on the clock, such as
    /// a completion retried with backoff while the store is down. Bounded: fails after 2 000 steps.
    /// </summary>
    public async Task<T> AdvanceUntilDoneAsync<T>(Task<T> task, TimeSpan? step = null)
    {
        for (var i = 0; i < 2_000 && !task.IsCompleted; i++)
        {
            Clock.Advance(step ?? TimeSpan.FromMilliseconds(250));
            await Task.Delay(2);
        }

        return await task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    public void Dispose()
    {
        Requests.Dispose();
        _services.Dispose();
        Memory.Dispose();
    }
}
