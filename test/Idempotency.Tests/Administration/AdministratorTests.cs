using Idempotency.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Idempotency.Tests.Administration;

// SPEC §3.14: get / delete one record by raw key, count by status where the store can, purge expired records.
public sealed class AdministratorTests
{
    [Fact]
    public async Task GetAsync_CompletedKey_ReturnsRecordUnderItsStoreKey()
    {
        using var harness = new EngineHarness();
        await harness.RunAsync(new IdempotencyRequest("orders", "customer-42@example.com") { Fingerprint = "fp" }, () => 1);

        var record = await harness.Administrator.GetAsync("orders", "customer-42@example.com", null, CancellationToken.None);

        Assert.NotNull(record);
        Assert.Equal(IdempotencyRecordStatus.Completed, record.Status);
        Assert.Equal("fp", record.Fingerprint);
        Assert.Equal(harness.Administrator.GetStoreKey("orders", "customer-42@example.com", null), record.Key);
        Assert.DoesNotContain("customer-42", record.Key, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_AbsentOrExpiredKey_ReturnsNull()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.Ttl = TimeSpan.FromMinutes(1));
        await harness.RunAsync(new IdempotencyRequest("orders", "k1"), () => 1);

        Assert.Null(await harness.Administrator.GetAsync("orders", "absent", null, CancellationToken.None));
        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await harness.Administrator.GetAsync("orders", "k1", null, CancellationToken.None));
    }

    [Fact]
    public async Task DeleteAsync_FailedRecord_NextCallRunsAgain()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.RememberFailure = _ => true);
        var request = new IdempotencyRequest("payments", "k1");
        var runs = 0;
        await Assert.ThrowsAsync<InvalidOperationException>(() => harness.RunAsync<int>(request, () =>
        {
            Interlocked.Increment(ref runs);
            throw new InvalidOperationException("declined");
        }).AsTask());
        await Assert.ThrowsAsync<IdempotencyPreviouslyFailedException>(() => harness.RunAsync(request, () => Interlocked.Increment(ref runs)).AsTask());
        Assert.Equal(IdempotencyRecordStatus.Failed, (await harness.Administrator.GetAsync("payments", "k1", null, CancellationToken.None))!.Status);

        var deleted = await harness.Administrator.DeleteAsync("payments", "k1", null, CancellationToken.None);
        var retry = await harness.RunAsync(request, () => 10 * Interlocked.Increment(ref runs));

        Assert.True(deleted);
        Assert.Equal(IdempotencyOutcome.Executed, retry.Outcome);
        Assert.Equal(20, retry.Value);
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task DeleteAsync_AbsentKey_ReturnsFalse()
    {
        using var harness = new EngineHarness();

        Assert.False(await harness.Administrator.DeleteAsync("orders", "absent", null, CancellationToken.None));
    }

    [Fact]
    public async Task CountByStatusAsync_MixedRecords_CountsEachStatus()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.RememberFailure = _ => true);
        await harness.RunAsync(new IdempotencyRequest("orders", "done-1"), () => 1);
        await harness.RunAsync(new IdempotencyRequest("orders", "done-2"), () => 1);
        await Assert.ThrowsAsync<InvalidOperationException>(() => harness.RunAsync<int>(new IdempotencyRequest("orders", "failed"), () => throw new InvalidOperationException()).AsTask());
        await using var running = await Execution.BlockedRun.StartAsync(harness, new IdempotencyRequest("orders", "running"), 1);

        var counts = await harness.Administrator.CountByStatusAsync(CancellationToken.None);

        Assert.Equal(1, counts[IdempotencyRecordStatus.InProgress]);
        Assert.Equal(2, counts[IdempotencyRecordStatus.Completed]);
        Assert.Equal(1, counts[IdempotencyRecordStatus.Failed]);
    }

    [Fact]
    public async Task CountByStatusAsync_StoreWithoutStatistics_ThrowsNotSupported()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IIdempotencyStore>(new PlainStore(new InMemoryIdempotencyStore()));
        services.AddIdempotency();
        await using var provider = services.BuildServiceProvider();

        var administrator = provider.GetRequiredService<IIdempotencyAdministrator>();

        var ex = await Assert.ThrowsAsync<NotSupportedException>(async () => await administrator.CountByStatusAsync(CancellationToken.None));
        Assert.Contains(nameof(IIdempotencyStoreStatistics), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PurgeExpiredAsync_ExpiredRecords_RemovesThemInBatches()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.Ttl = TimeSpan.FromMinutes(1));
        for (var i = 0; i < 3; i++)
        {
            await harness.RunAsync(new IdempotencyRequest("orders", $"old-{i}"), () => i);
        }

        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        await harness.RunAsync(new IdempotencyRequest("orders", "fresh"), () => 1);

        Assert.Equal(2, await harness.Administrator.PurgeExpiredAsync(2, CancellationToken.None));
        Assert.Equal(1, await harness.Administrator.PurgeExpiredAsync(2, CancellationToken.None));
        Assert.Equal(0, await harness.Administrator.PurgeExpiredAsync(2, CancellationToken.None));
        Assert.Equal(1, harness.Memory.Count);
        Assert.NotNull(await harness.Administrator.GetAsync("orders", "fresh", null, CancellationToken.None));
    }

    [Fact]
    public async Task PurgeExpiredAsync_BatchBelowOne_Throws()
    {
        using var harness = new EngineHarness();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => harness.Administrator.PurgeExpiredAsync(0, CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task ExecuteAsync_SameKeyInTwoScopes_RunsTwiceAndStoresTwoRecords()
    {
        using var harness = new EngineHarness();
        var runs = 0;

        var a = await harness.RunAsync(new IdempotencyRequest("orders", "k1") { Scope = "tenant-a" }, () => Interlocked.Increment(ref runs));
        var b = await harness.RunAsync(new IdempotencyRequest("orders", "k1") { Scope = "tenant-b" }, () => Interlocked.Increment(ref runs));
        var aAgain = await harness.RunAsync(new IdempotencyRequest("orders", "k1") { Scope = "tenant-a" }, () => Interlocked.Increment(ref runs));

        Assert.Equal(2, runs);
        Assert.Equal(IdempotencyOutcome.Executed, b.Outcome);
        Assert.Equal(1, aAgain.Value);
        Assert.True(aAgain.IsReplayed);
        var keyA = harness.Administrator.GetStoreKey("orders", "k1", "tenant-a");
        var keyB = harness.Administrator.GetStoreKey("orders", "k1", "tenant-b");
        Assert.NotEqual(keyA, keyB);
        Assert.Equal(1, a.Value);
        Assert.Equal(2, b.Value);
        Assert.NotNull(await harness.Administrator.GetAsync("orders", "k1", "tenant-b", CancellationToken.None));
        Assert.Null(await harness.Administrator.GetAsync("orders", "k1", null, CancellationToken.None));
    }

    [Fact]
    public async Task StoreKeys_OfEveryCall_HoldNoRawKeyOrScope()
    {
        var recorder = new KeyRecordingStore(new InMemoryIdempotencyStore());
        var services = new ServiceCollection();
        services.AddSingleton<IIdempotencyStore>(recorder);
        services.AddIdempotency(o => o.ServiceName = "billing");
        await using var provider = services.BuildServiceProvider();
        var executor = provider.GetRequiredService<IIdempotencyExecutor>();

        await executor.ExecuteAsync(new IdempotencyRequest("orders", "raw-key-jane@example.com") { Scope = "tenant-acme" }, _ => ValueTask.FromResult(1), CancellationToken.None);
        await executor.ExecuteAsync(new IdempotencyRequest("orders", "raw-key-jane@example.com") { Scope = "tenant-acme" }, _ => ValueTask.FromResult(1), CancellationToken.None);

        Assert.NotEmpty(recorder.Keys);
        Assert.All(recorder.Keys, key =>
        {
            Assert.Matches("^idem:billing:orders:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]{43}$", key);
            Assert.DoesNotContain("jane", key, StringComparison.Ordinal);
            Assert.DoesNotContain("acme", key, StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData("bad op", "k1")]
    [InlineData("", "k1")]
    [InlineData("orders", "")]
    public void GetStoreKey_InvalidArguments_Throw(string operation, string key)
    {
        using var harness = new EngineHarness();

        Assert.ThrowsAny<ArgumentException>(() => harness.Administrator.GetStoreKey(operation, key, null));
    }

    /// <summary>A store that only implements the contract, without statistics.</summary>
    private sealed class PlainStore(IIdempotencyStore inner) : IIdempotencyStore
    {
        public ValueTask<IdempotencyClaimResult> ClaimAsync(IdempotencyClaimRequest request, CancellationToken cancellationToken) => inner.ClaimAsync(request, cancellationToken);

        public ValueTask<bool> CompleteAsync(string key, string ownerToken, ReadOnlyMemory<byte> payload, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken) =>
            inner.CompleteAsync(key, ownerToken, payload, now, ttl, cancellationToken);

        public ValueTask<bool> FailAsync(string key, string ownerToken, ReadOnlyMemory<byte> payload, bool retryable, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken) =>
            inner.FailAsync(key, ownerToken, payload, retryable, now, ttl, cancellationToken);

        public ValueTask<bool> ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken) => inner.ReleaseAsync(key, ownerToken, cancellationToken);

        public ValueTask<bool> RenewAsync(string key, string ownerToken, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken) =>
            inner.RenewAsync(key, ownerToken, now, lease, cancellationToken);

        public ValueTask<IdempotencyRecord?> GetAsync(string key, DateTimeOffset now, CancellationToken cancellationToken) => inner.GetAsync(key, now, cancellationToken);

        public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

        public ValueTask<int> PurgeExpiredAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken) => inner.PurgeExpiredAsync(now, batchSize, cancellationToken);
    }

    /// <summary>Records every store key the engine sends, through the public decorator base.</summary>
    private sealed class KeyRecordingStore(IIdempotencyStore inner) : DelegatingIdempotencyStore(inner)
    {
        public System.Collections.Concurrent.ConcurrentBag<string> Keys { get; } = [];

        public override ValueTask<IdempotencyClaimResult> ClaimAsync(IdempotencyClaimRequest request, CancellationToken cancellationToken)
        {
            Keys.Add(request.Key);
            return base.ClaimAsync(request, cancellationToken);
        }

        public override ValueTask<bool> CompleteAsync(string key, string ownerToken, ReadOnlyMemory<byte> payload, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken)
        {
            Keys.Add(key);
            return base.CompleteAsync(key, ownerToken, payload, now, ttl, cancellationToken);
        }
    }
}
