using Idempotency.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Idempotency.Generators.Tests.Behaviour;

/// <summary>A real container: the engine over the in-memory store (through a fault injector for outages), and the generated registration.</summary>
internal sealed class DecoratorHarness : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly AsyncServiceScope _scope;

    public DecoratorHarness()
    {
        Store = new FaultInjectingIdempotencyStore(new InMemoryIdempotencyStore());
        var services = new ServiceCollection();
        services.AddSingleton<IIdempotencyStore>(Store);
        services.AddSingleton<RunLog>();
        services.AddIdempotency(o => o.AddPolicy("fail-open", p => p.StoreFailureMode = StoreFailureMode.FailOpen));
        services.AddIdempotent<IPayments, Payments>();
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        _scope = _provider.CreateAsyncScope();
        Payments = _scope.ServiceProvider.GetRequiredService<IPayments>();
        Log = _provider.GetRequiredService<RunLog>();
    }

    public IPayments Payments { get; }

    public RunLog Log { get; }

    public FaultInjectingIdempotencyStore Store { get; }

    public IServiceProvider Services => _scope.ServiceProvider;

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        await _provider.DisposeAsync();
    }
}
