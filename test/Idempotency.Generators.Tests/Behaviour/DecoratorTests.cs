using Idempotency.Decorators;
using Idempotency.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Idempotency.Generators.Tests.Behaviour;

// The generated decorator through a real container: every test counts the runs of the implementation.
public sealed class DecoratorTests
{
    [Fact]
    public async Task ChargeAsync_SameKey_RunsOnceAndReplays()
    {
        await using var harness = new DecoratorHarness();

        var first = await harness.Payments.ChargeAsync("o-1", 12.5m, null, CancellationToken.None);
        var second = await harness.Payments.ChargeAsync("o-1", 12.5m, null, CancellationToken.None);
        var third = await harness.Payments.ChargeAsync("o-1", 12.5m, "retry", CancellationToken.None);
        var other = await harness.Payments.ChargeAsync("o-2", 12.5m, null, CancellationToken.None);

        Assert.Equal(new Receipt("o-1", 12.5m, 1), first);
        Assert.Equal(first, second);
        Assert.Equal(first, third);                              // the note is excluded from the fingerprint
        Assert.Equal(new Receipt("o-2", 12.5m, 2), other);
        Assert.Equal(2, harness.Log.Count(nameof(IPayments.ChargeAsync)));
    }

    [Fact]
    public async Task ChargeAsync_KeyReusedWithOtherArguments_IsRefusedWithoutRunning()
    {
        await using var harness = new DecoratorHarness();
        await harness.Payments.ChargeAsync("o-1", 12.5m, null, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() => harness.Payments.ChargeAsync("o-1", 99m, null, CancellationToken.None));

        Assert.Equal("IPayments.ChargeAsync", ex.Operation);
        Assert.Equal(1, harness.Log.Count(nameof(IPayments.ChargeAsync)));
    }

    [Fact]
    public async Task FalsyResults_NullZeroAndFalse_AreReplayed()
    {
        await using var harness = new DecoratorHarness();
        var batch = Guid.NewGuid();

        Assert.Null(await harness.Payments.FindNoteAsync("o-1"));
        Assert.Null(await harness.Payments.FindNoteAsync("o-1"));
        Assert.Equal(0, await harness.Payments.CountAsync(batch));
        Assert.Equal(0, await harness.Payments.CountAsync(batch));
        Assert.False(harness.Payments.Approve("o-1"));
        Assert.False(harness.Payments.Approve("o-1"));
        Assert.Empty(await harness.Payments.TagsAsync("o-1"));
        Assert.Empty(await harness.Payments.TagsAsync("o-1"));

        Assert.Equal(1, harness.Log.Count(nameof(IPayments.FindNoteAsync)));
        Assert.Equal(1, harness.Log.Count(nameof(IPayments.CountAsync)));
        Assert.Equal(1, harness.Log.Count(nameof(IPayments.Approve)));
        Assert.Equal(1, harness.Log.Count(nameof(IPayments.TagsAsync)));
    }

    [Fact]
    public async Task ImplementationThrows_ReleasesTheKey_SoTheRetryRuns()
    {
        await using var harness = new DecoratorHarness();

        await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Payments.FlakyAsync("o-1"));
        Assert.Equal(2, await harness.Payments.FlakyAsync("o-1"));
        Assert.Equal(2, await harness.Payments.FlakyAsync("o-1"));

        Assert.Equal(2, harness.Log.Count(nameof(IPayments.FlakyAsync)));
    }

    [Fact]
    public async Task MethodsWithoutResult_SyncTaskAndValueTask_RunOncePerKey()
    {
        await using var harness = new DecoratorHarness();

        for (var i = 0; i < 3; i++)
        {
            harness.Payments.Record("o-1");
            await harness.Payments.SendAsync("o-1", CancellationToken.None);
            await harness.Payments.NotifyAsync("o-1");
        }

        harness.Payments.Record("o-2");
        Assert.Equal(2, harness.Log.Count(nameof(IPayments.Record)));
        Assert.Equal(1, harness.Log.Count(nameof(IPayments.SendAsync)));
        Assert.Equal(1, harness.Log.Count(nameof(IPayments.NotifyAsync)));
    }

    [Fact]
    public async Task SendAsync_CallersToken_IsFlowedToTheImplementation()
    {
        await using var harness = new DecoratorHarness();
        using var cts = new CancellationTokenSource();

        await harness.Payments.SendAsync("o-1", cts.Token);

        Assert.Equal(cts.Token, harness.Log.LastToken);
    }

    [Fact]
    public async Task SlowAsync_SameKeyWhileTheFirstRuns_IsInProgressAndRunsOnce()
    {
        await using var harness = new DecoratorHarness();
        var first = harness.Payments.SlowAsync("o-1", CancellationToken.None);
        await harness.Log.SlowStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // A concurrent call on another thread, while the first still holds the key.
        var ex = await Assert.ThrowsAsync<IdempotencyRequestInProgressException>(() => Task.Run(() => harness.Payments.SlowAsync("o-1", CancellationToken.None)));
        harness.Log.SlowGate.SetResult();

        Assert.Equal(1, await first);
        Assert.Equal(1, await harness.Payments.SlowAsync("o-1", CancellationToken.None));
        Assert.True(ex.RetryAfter > TimeSpan.Zero);
        Assert.Equal(1, harness.Log.Count(nameof(IPayments.SlowAsync)));
    }

    [Fact]
    public async Task StoreOutage_FailClosed_ThrowsWithoutRunning_AndFailOpenPolicy_RunsUnprotected()
    {
        await using var harness = new DecoratorHarness();
        harness.Store.ThrowUnavailable(IdempotencyStoreOperation.Claim);

        await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(() => harness.Payments.ChargeAsync("o-1", 1m, null, CancellationToken.None));
        Assert.Throws<IdempotencyStoreUnavailableException>(() => harness.Payments.Record("o-1"));
        await harness.Payments.BestEffortAsync("o-1");
        await harness.Payments.BestEffortAsync("o-1");

        Assert.Equal(0, harness.Log.Count(nameof(IPayments.ChargeAsync)));
        Assert.Equal(0, harness.Log.Count(nameof(IPayments.Record)));
        Assert.Equal(2, harness.Log.Count(nameof(IPayments.BestEffortAsync)));   // Policy = "fail-open"

        harness.Store.HealAll();
        await harness.Payments.ChargeAsync("o-1", 1m, null, CancellationToken.None);
        await harness.Payments.ChargeAsync("o-1", 1m, null, CancellationToken.None);
        Assert.Equal(1, harness.Log.Count(nameof(IPayments.ChargeAsync)));
    }

    [Fact]
    public async Task MissingKey_Required_Throws_AndOptional_RunsUnprotected()
    {
        await using var harness = new DecoratorHarness();

        await Assert.ThrowsAsync<IdempotencyKeyMissingException>(() => harness.Payments.ChargeAsync(null!, 1m, null, CancellationToken.None));
        await harness.Payments.TryAsync(null);
        await harness.Payments.TryAsync(null);
        await harness.Payments.TryAsync("o-1");
        await harness.Payments.TryAsync("o-1");

        Assert.Equal(0, harness.Log.Count(nameof(IPayments.ChargeAsync)));
        Assert.Equal(3, harness.Log.Count(nameof(IPayments.TryAsync)));
    }

    [Fact]
    public async Task MemberPathKey_ReadsTheMember()
    {
        await using var harness = new DecoratorHarness();

        Assert.Equal(1, await harness.Payments.PlaceAsync(new Order("o-1", "c-1", 10m)));
        Assert.Equal(1, await harness.Payments.PlaceAsync(new Order("o-1", "c-1", 10m)));
        Assert.Equal(2, await harness.Payments.PlaceAsync(new Order("o-2", "c-1", 10m)));
        await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() => harness.Payments.PlaceAsync(new Order("o-1", "c-1", 11m)));
    }

    [Fact]
    public async Task JmesPathKey_SelectsACompositeOfTheArguments()
    {
        await using var harness = new DecoratorHarness();

        Assert.Equal(1, await harness.Payments.ShipAsync(new Order("o-1", "c-1", 10m)));
        Assert.Equal(1, await harness.Payments.ShipAsync(new Order("o-1", "c-1", 10m)));
        Assert.Equal(2, await harness.Payments.ShipAsync(new Order("o-1", "c-2", 10m)));   // another customer: another key
        Assert.Equal(2, harness.Log.Count(nameof(IPayments.ShipAsync)));
    }

    [Fact]
    public async Task ForwardedMember_CallsTheImplementation_AndTheImplementationIsOnlyBehindTheDecorator()
    {
        await using var harness = new DecoratorHarness();
        await harness.Payments.ChargeAsync("o-1", 1m, null, CancellationToken.None);

        Assert.Equal(1, harness.Payments.Runs(nameof(IPayments.ChargeAsync)));
        Assert.Equal("PaymentsIdempotencyDecorator", harness.Payments.GetType().Name);
        Assert.Null(harness.Services.GetService<Payments>());
    }

    [Fact]
    public async Task FactoryRegistration_DecoratesTheCreatedService()
    {
        var services = new ServiceCollection().AddSingleton<RunLog>();
        services.AddIdempotency();
        services.AddIdempotent<IPayments>(sp => new Payments(sp.GetRequiredService<RunLog>()), ServiceLifetime.Singleton);
        await using var provider = services.BuildServiceProvider();
        var payments = provider.GetRequiredService<IPayments>();

        RecordTwice(payments);
        Assert.Equal(1, provider.GetRequiredService<RunLog>().Count(nameof(IPayments.Record)));

        static void RecordTwice(IPayments payments)
        {
            payments.Record("o-1");
            payments.Record("o-1");
        }
    }

    [Fact]
    public void AddIdempotent_InterfaceWithoutDecorator_Throws()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddIdempotent<IPlain, Plain>());

        Assert.Contains("has no idempotency decorator", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_WithoutAddIdempotency_SaysWhatToCall()
    {
        var services = new ServiceCollection().AddSingleton<RunLog>();
        services.AddIdempotent<IPayments, Payments>();
        await using var provider = services.BuildServiceProvider();
        using var scope = provider.CreateScope();

        var ex = Assert.Throws<InvalidOperationException>(() => scope.ServiceProvider.GetRequiredService<IPayments>());

        Assert.Contains("services.AddIdempotency()", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decorator_WithoutContainer_IsCreatedByHand()
    {
        var executor = IdempotencyExecutor.Create();
        var log = new RunLog();
        IPayments payments = new PaymentsIdempotencyDecorator(new Payments(log), new IdempotentMethodRunner(executor, new IdempotencyOptions()));

        await payments.NotifyAsync("o-1");
        await payments.NotifyAsync("o-1");

        Assert.Equal(1, log.Count(nameof(IPayments.NotifyAsync)));
    }
}
