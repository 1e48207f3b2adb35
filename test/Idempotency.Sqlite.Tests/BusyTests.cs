using System.Diagnostics;

namespace Idempotency.Sqlite.Tests;

/// <summary>
/// Another connection holding the write lock: writes wait for the busy timeout and then fail closed (store unavailable),
/// while reads — and so replays — go on, because WAL readers never wait for the writer.
/// </summary>
public sealed class BusyTests : IDisposable
{
    private readonly SqliteFile _file = new();

    [Fact]
    public async Task ClaimAsync_WriteLockHeldBeyondTheBusyTimeout_ThrowsUnavailableAfterWaiting()
    {
        using var store = _file.CreateStore(o => o.BusyTimeout = TimeSpan.FromMilliseconds(1_500));
        await store.CreateTableAsync(default);
        using var holder = _file.Open();
        using var transaction = holder.BeginTransaction(deferred: false);

        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(async () => await store.ClaimAsync(Fixtures.Claim("k", Fixtures.Start), default));
        watch.Stop();

        Assert.Contains("locked by another connection or process beyond the busy timeout", error.Message, StringComparison.Ordinal);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(1_400), TimeSpan.FromSeconds(10));
        transaction.Rollback();
        Assert.True((await store.ClaimAsync(Fixtures.Claim("k", Fixtures.Start), default)).IsAcquired);
    }

    [Fact]
    public async Task ExecuteAsync_WriteLockHeld_ReplaysStillAnswer()
    {
        using var store = _file.CreateStore(o => o.BusyTimeout = TimeSpan.FromMilliseconds(200));
        var executor = IdempotencyExecutor.Create(new IdempotencyOptions(), store);
        var request = new IdempotencyRequest("orders", "key-1") { Fingerprint = "f" };
        await executor.ExecuteAsync(request, _ => ValueTask.FromResult("first"), default);
        using var holder = _file.Open();
        using var transaction = holder.BeginTransaction(deferred: false);

        var replay = await executor.ExecuteAsync(request, _ => ValueTask.FromResult("second"), default);

        Assert.True(replay.IsReplayed);
        Assert.Equal("first", replay.Value);
    }

    [Fact]
    public async Task ClaimAsync_LockReleasedWithinTheBusyTimeout_Waits()
    {
        using var store = _file.CreateStore(o => o.BusyTimeout = TimeSpan.FromSeconds(10));
        await store.CreateTableAsync(default);
        var holder = _file.Open();
        var transaction = holder.BeginTransaction(deferred: false);
        var release = Task.Run(async () =>
        {
            await Task.Delay(300);
            transaction.Commit();
            transaction.Dispose();
            holder.Dispose();
        });

        Assert.True((await store.ClaimAsync(Fixtures.Claim("k", Fixtures.Start), default)).IsAcquired);
        await release;
    }

    public void Dispose() => _file.Dispose();
}
