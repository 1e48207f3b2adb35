using System.Buffers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Idempotency.Tests.DependencyInjection;

// STYLE: AddIdempotency registers defaults with TryAdd (a store registered before wins), the executor and the administrator.
public sealed class ServiceCollectionTests
{
    [Fact]
    public async Task AddIdempotency_Defaults_RegistersInMemoryStoreExecutorAndAdministrator()
    {
        var services = new ServiceCollection();
        services.AddIdempotency();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.IsType<InMemoryIdempotencyStore>(provider.GetRequiredService<IIdempotencyStore>());
        Assert.Same(provider.GetRequiredService<IIdempotencyStore>(), provider.GetRequiredService<IIdempotencyStore>());
        Assert.Same(provider.GetRequiredService<IIdempotencyExecutor>(), provider.GetRequiredService<IIdempotencyExecutor>());
        Assert.NotNull(provider.GetRequiredService<IIdempotencyAdministrator>());
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public async Task AddIdempotency_StoreRegisteredBefore_Wins()
    {
        var mine = new InMemoryIdempotencyStore();
        var services = new ServiceCollection();
        services.AddSingleton<IIdempotencyStore>(mine);
        services.AddIdempotency();
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<IIdempotencyExecutor>().ExecuteAsync(new IdempotencyRequest("orders", "k1"), _ => ValueTask.FromResult(1), CancellationToken.None);

        Assert.Same(mine, provider.GetRequiredService<IIdempotencyStore>());
        Assert.Single(services, d => d.ServiceType == typeof(IIdempotencyStore));
        Assert.Equal(1, mine.Count);
    }

    [Fact]
    public async Task AddIdempotency_TimeProviderRegisteredBefore_DrivesRecords()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddIdempotency();
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<IIdempotencyExecutor>().ExecuteAsync(new IdempotencyRequest("orders", "k1"), _ => ValueTask.FromResult(1), CancellationToken.None);
        var record = await provider.GetRequiredService<IIdempotencyAdministrator>().GetAsync("orders", "k1", null, CancellationToken.None);

        Assert.Equal(clock.GetUtcNow(), record!.CreatedAt);
    }

    [Fact]
    public async Task AddIdempotency_CalledTwice_AppliesBothConfigurationsAndRegistersOnce()
    {
        var services = new ServiceCollection();
        services.AddIdempotency(o => o.ServiceName = "billing");
        services.AddIdempotency(o => o.KeyPrefix = "app");
        await using var provider = services.BuildServiceProvider();

        var storeKey = provider.GetRequiredService<IIdempotencyAdministrator>().GetStoreKey("orders", "k1", null);

        Assert.StartsWith("app:billing:orders::", storeKey, StringComparison.Ordinal);
        Assert.Single(services, d => d.ServiceType == typeof(IIdempotencyExecutor));
        Assert.Single(services, d => d.ServiceType == typeof(Microsoft.Extensions.Options.IValidateOptions<IdempotencyOptions>));
    }

    [Fact]
    public void AddIdempotency_Builder_ExposesTheSameServices()
    {
        var services = new ServiceCollection();

        var builder = services.AddIdempotency();

        Assert.Same(services, builder.Services);
    }

    [Fact]
    public async Task AddInMemoryStore_Options_ConfigureTheDefaultStore()
    {
        var services = new ServiceCollection();
        services.AddIdempotency().AddInMemoryStore(o => o.MaxRecords = 1);
        await using var provider = services.BuildServiceProvider();
        var executor = provider.GetRequiredService<IIdempotencyExecutor>();

        await executor.ExecuteAsync(new IdempotencyRequest("orders", "k1"), _ => ValueTask.FromResult(1), CancellationToken.None);

        await Assert.ThrowsAsync<IdempotencyStoreFullException>(() =>
            executor.ExecuteAsync(new IdempotencyRequest("orders", "k2"), _ => ValueTask.FromResult(1), CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task AddIdempotency_SerializerRegistered_IsUsed()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IIdempotencySerializer, UpperCaseSerializer>();
        services.AddIdempotency();
        await using var provider = services.BuildServiceProvider();
        var executor = provider.GetRequiredService<IIdempotencyExecutor>();

        await executor.ExecuteAsync(new IdempotencyRequest("orders", "k1"), _ => ValueTask.FromResult("value"), CancellationToken.None);
        var replay = await executor.ExecuteAsync(new IdempotencyRequest("orders", "k1"), _ => ValueTask.FromResult("other"), CancellationToken.None);

        Assert.Equal("VALUE", replay.Value);
    }

    [Fact]
    public async Task AddIdempotency_WithoutLoggingOrMetrics_StillWorks()
    {
        var services = new ServiceCollection();
        services.AddIdempotency();
        await using var provider = services.BuildServiceProvider();

        var result = await provider.GetRequiredService<IIdempotencyExecutor>().ExecuteAsync(new IdempotencyRequest("orders", "k1"), _ => ValueTask.FromResult(1), CancellationToken.None);

        Assert.Equal(IdempotencyOutcome.Executed, result.Outcome);
    }

    private sealed class UpperCaseSerializer : IIdempotencySerializer
    {
        public void Serialize<T>(IBufferWriter<byte> destination, T value) => destination.Write(Encoding.UTF8.GetBytes(value!.ToString()!.ToUpperInvariant()));

        public T Deserialize<T>(ReadOnlySpan<byte> source) => (T)(object)Encoding.UTF8.GetString(source);
    }
}
