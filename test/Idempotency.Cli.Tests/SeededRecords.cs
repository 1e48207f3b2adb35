using Microsoft.Extensions.DependencyInjection;

namespace Idempotency.Cli.Tests;

/// <summary>
/// Records written through the library the way an application writes them: a completed order whose result holds a
/// password, a remembered failure, and a claim left in progress (its lease live until disposed).
/// </summary>
internal sealed class SeededRecords : IAsyncDisposable
{
    public const string Service = "cli-tests";
    public const string Operation = "orders/create";
    public const string CompletedKey = "order-1";
    public const string FailedKey = "order-2";
    public const string InProgressKey = "order-3";

    private readonly ServiceProvider _services;
    private IdempotencyClaim? _inProgress;

    private SeededRecords(ServiceProvider services) => _services = services;

    public IIdempotencyAdministrator Administrator => _services.GetRequiredService<IIdempotencyAdministrator>();

    public IIdempotencyStore Store => _services.GetRequiredService<IIdempotencyStore>();

    /// <summary>The library's services with <paramref name="addStore"/>'s store, and nothing written.</summary>
    public static async Task<SeededRecords> OpenAsync(Action<IIdempotencyBuilder> addStore, Func<IServiceProvider, Task>? prepare = null, TimeProvider? clock = null)
    {
        var services = new ServiceCollection();
        if (clock is not null)
        {
            services.AddSingleton(clock);
        }

        addStore(services.AddIdempotency(options =>
        {
            options.ServiceName = Service;
            options.DefaultPolicy.RememberFailure = exception => exception is InvalidOperationException;
        }));
        var provider = services.BuildServiceProvider();
        if (prepare is not null)
        {
            await prepare(provider);
        }

        return new SeededRecords(provider);
    }

    /// <summary>Writes the three records.</summary>
    public static async Task<SeededRecords> WriteAsync(Action<IIdempotencyBuilder> addStore, Func<IServiceProvider, Task>? prepare = null)
    {
        var seeded = await OpenAsync(addStore, prepare);
        await seeded.CompleteAsync(CompletedKey);
        var executor = seeded._services.GetRequiredService<IIdempotencyExecutor>();
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await executor.ExecuteAsync<Order>(
            new IdempotencyRequest(Operation, FailedKey), _ => throw new InvalidOperationException("card declined"), CancellationToken.None));
        seeded._inProgress = await executor.BeginAsync(new IdempotencyRequest(Operation, InProgressKey), CancellationToken.None);
        Assert.Equal(IdempotencyClaimStatus.Acquired, seeded._inProgress.Status);
        return seeded;
    }

    public async Task CompleteAsync(string key)
    {
        var executor = _services.GetRequiredService<IIdempotencyExecutor>();
        var result = await executor.ExecuteAsync(new IdempotencyRequest(Operation, key), _ => ValueTask.FromResult(new Order(7, "hunter2")), CancellationToken.None);
        Assert.Equal(7, result.Value.Id);
    }

    public string StoreKey(string key) => Administrator.GetStoreKey(Operation, key, scope: null);

    public async ValueTask DisposeAsync()
    {
        if (_inProgress is not null)
        {
            await _inProgress.DisposeAsync();
        }

        await _services.DisposeAsync();
    }

    public sealed record Order(int Id, string Password);
}
