using System.Security.Cryptography;
using System.Text;

namespace Idempotency.PayloadProtection;

/// <summary>
/// Encryption at rest on a real store: the engine protects what it writes (results, remembered failures), the store keeps
/// only ciphertext, replays read it back, a rotated ring still reads old records, and a record it cannot read (key gone,
/// one byte changed, written unprotected) is answered as corrupt without running the work again. Each store's test
/// project runs it through a subclass that says how to make its store and how to read a record past it.
/// </summary>
public abstract class PayloadProtectionSuite
{
    private const string Secret = "SECRET-RESULT-VALUE";
    private const string FailureSecret = "SECRET-FAILURE-MESSAGE";

    private static readonly (string Id, string Key) KeyA = ("key-a", NewKey());
    private static readonly (string Id, string Key) KeyB = ("key-b", NewKey());

    private readonly RunCount _runs = new();

    /// <summary>Creates the store under test: fresh, or shared with keys no other test uses.</summary>
    protected abstract ValueTask<IIdempotencyStore> CreateStoreAsync();

    /// <summary>Disposes a store <see cref="CreateStoreAsync"/> made.</summary>
    protected virtual ValueTask DisposeStoreAsync(IIdempotencyStore store) => ValueTask.CompletedTask;

    /// <summary>Every byte the store's server keeps for the record, read past the store where it can be (the store's own read otherwise).</summary>
    protected virtual async ValueTask<byte[]> ReadStoredBytesAsync(IIdempotencyStore store, string storeKey) =>
        (await store.GetAsync(storeKey, DateTimeOffset.UtcNow, CancellationToken.None))!.Payload.ToArray();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task ExecuteAsync_Protected_StoresNoPlaintextAndReplays(int compressionThreshold)
    {
        await WithStoreAsync(async store =>
        {
            using var engine = ProtectedEngine.Create(store, _runs, compressionThreshold, KeyA);
            var key = Guid.NewGuid().ToString("D");
            var value = string.Concat(Enumerable.Repeat(Secret + " ", 40));

            var first = await engine.RunAsync(key, value);
            var replay = await engine.RunAsync(key, "never returned");

            Assert.Equal(IdempotencyOutcome.Executed, first.Outcome);
            Assert.Equal(IdempotencyOutcome.Replayed, replay.Outcome);
            Assert.Equal(value, replay.Value);
            Assert.Equal(1, _runs.Value);
            var stored = await ReadStoredBytesAsync(store, engine.StoreKey(key));
            AssertHoldsNo(Secret, stored);
            var payload = (await store.GetAsync(engine.StoreKey(key), DateTimeOffset.UtcNow, CancellationToken.None))!.Payload.ToArray();
            Assert.Equal([1, (byte)KeyA.Id.Length, .. Encoding.ASCII.GetBytes(KeyA.Id)], payload[..(2 + KeyA.Id.Length)]);
        });
    }

    [Fact]
    public async Task ExecuteAsync_RememberedFailure_StoresNoMessageAndReplaysIt()
    {
        await WithStoreAsync(async store =>
        {
            using var engine = ProtectedEngine.Create(store, _runs, 0, KeyA);
            var key = Guid.NewGuid().ToString("D");

            await Assert.ThrowsAsync<InvalidOperationException>(async () => await engine.FailAsync(key, FailureSecret));
            var replay = await Assert.ThrowsAsync<IdempotencyPreviouslyFailedException>(async () => await engine.FailAsync(key, "never thrown"));

            Assert.Equal(FailureSecret, replay.ErrorMessage);
            Assert.Equal(1, _runs.Value);
            AssertHoldsNo(FailureSecret, await ReadStoredBytesAsync(store, engine.StoreKey(key)));
        });
    }

    [Fact]
    public async Task ExecuteAsync_RingRotated_ReadsRecordsOfTheRetiredKeyAndWritesWithTheNewOne()
    {
        await WithStoreAsync(async store =>
        {
            var (old, fresh) = (Guid.NewGuid().ToString("D"), Guid.NewGuid().ToString("D"));
            using (var before = ProtectedEngine.Create(store, _runs, 0, KeyA))
            {
                await before.RunAsync(old, Secret);
            }

            using var after = ProtectedEngine.Create(store, _runs, 0, KeyB, KeyA);
            var replay = await after.RunAsync(old, "never returned");
            await after.RunAsync(fresh, Secret);

            Assert.Equal(IdempotencyOutcome.Replayed, replay.Outcome);
            Assert.Equal(Secret, replay.Value);
            Assert.Equal(2, _runs.Value);
            var payload = (await store.GetAsync(after.StoreKey(fresh), DateTimeOffset.UtcNow, CancellationToken.None))!.Payload.ToArray();
            Assert.Equal(Encoding.ASCII.GetBytes(KeyB.Id), payload[2..(2 + KeyB.Id.Length)]);
        });
    }

    [Fact]
    public async Task ExecuteAsync_KeyDroppedFromRing_IsCorruptAndNeverRunsAgain()
    {
        await WithStoreAsync(async store =>
        {
            var key = Guid.NewGuid().ToString("D");
            using (var before = ProtectedEngine.Create(store, _runs, 0, KeyA))
            {
                await before.RunAsync(key, Secret);
            }

            using var after = ProtectedEngine.Create(store, _runs, 0, KeyB);
            for (var attempt = 0; attempt < 2; attempt++)
            {
                var corrupt = await Assert.ThrowsAsync<IdempotencyRecordCorruptException>(async () => await after.RunAsync(key, "never returned"));
                Assert.Contains("'key-a', which is not in the key ring", corrupt.Reason, StringComparison.Ordinal);
            }

            Assert.Equal(1, _runs.Value);
        });
    }

    // Byte 0 the format version, 2 the key id, then the nonce, the tag and the ciphertext.
    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(7 + 12)]
    [InlineData(-1)]
    public async Task ExecuteAsync_OneByteFlippedInTheStore_IsCorruptAndNeverRunsAgain(int position)
    {
        await WithStoreAsync(async store =>
        {
            using var engine = ProtectedEngine.Create(store, _runs, 0, KeyA);
            var key = Guid.NewGuid().ToString("D");
            await engine.RunAsync(key, Secret);
            var record = (await store.GetAsync(engine.StoreKey(key), DateTimeOffset.UtcNow, CancellationToken.None))!;
            var payload = record.Payload.ToArray();
            payload[position < 0 ? payload.Length + position : position] ^= 0x01;
            await OverwriteAsync(store, record, payload);

            await Assert.ThrowsAsync<IdempotencyRecordCorruptException>(async () => await engine.RunAsync(key, "never returned"));

            Assert.Equal(1, _runs.Value);
        });
    }

    [Fact]
    public async Task ExecuteAsync_RecordWrittenBeforeProtection_IsCorruptAndNeverRunsAgain()
    {
        await WithStoreAsync(async store =>
        {
            var key = Guid.NewGuid().ToString("D");
            using (var plain = ProtectedEngine.Create(store, _runs, 0))
            {
                await plain.RunAsync(key, Secret);
            }

            using var engine = ProtectedEngine.Create(store, _runs, 0, KeyA);
            await Assert.ThrowsAsync<IdempotencyRecordCorruptException>(async () => await engine.RunAsync(key, "never returned"));

            Assert.Equal(1, _runs.Value);
        });
    }

    // The protector binds a payload to its store key: someone with write access who copies one caller's record under
    // another key (same fingerprint, same key ring) gets a corrupt record there, not the first caller's result.
    [Fact]
    public async Task ExecuteAsync_PayloadCopiedUnderAnotherStoreKey_IsCorruptAndNeverReplaysOrRuns()
    {
        await WithStoreAsync(async store =>
        {
            using var engine = ProtectedEngine.Create(store, _runs, 0, KeyA);
            var (victim, other) = (Guid.NewGuid().ToString("D"), Guid.NewGuid().ToString("D"));
            await engine.RunAsync(victim, Secret);
            var record = (await store.GetAsync(engine.StoreKey(victim), DateTimeOffset.UtcNow, CancellationToken.None))!;
            await WriteCompletedAsync(store, engine.StoreKey(other), record.Fingerprint, record.Payload.ToArray());

            var corrupt = await Assert.ThrowsAsync<IdempotencyRecordCorruptException>(async () => await engine.RunAsync(other, "never returned"));

            Assert.Contains("cannot be unprotected", corrupt.Reason, StringComparison.Ordinal);
            Assert.Equal(1, _runs.Value);
        });
    }

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static void AssertHoldsNo(string secret, byte[] stored)
    {
        Assert.NotEmpty(stored);
        Assert.True(stored.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"The stored record holds '{secret}' in plain text.");
    }

    /// <summary>Replaces a completed record's payload through the store: deleted, claimed again with its fingerprint, completed.</summary>
    private static async Task OverwriteAsync(IIdempotencyStore store, IdempotencyRecord record, byte[] payload)
    {
        Assert.True(await store.DeleteAsync(record.Key, CancellationToken.None));
        await WriteCompletedAsync(store, record.Key, record.Fingerprint, payload);
    }

    /// <summary>Writes a completed record with the given fingerprint and payload through the store, as its owner would.</summary>
    private static async Task WriteCompletedAsync(IIdempotencyStore store, string storeKey, string fingerprint, byte[] payload)
    {
        var now = DateTimeOffset.UtcNow;
        var claim = await store.ClaimAsync(new IdempotencyClaimRequest(storeKey, "tamperer", fingerprint, now, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1)), CancellationToken.None);
        Assert.True(claim.IsAcquired);
        Assert.True(await store.CompleteAsync(storeKey, "tamperer", payload, now, TimeSpan.FromHours(1), CancellationToken.None));
    }

    private async Task WithStoreAsync(Func<IIdempotencyStore, Task> test)
    {
        var store = await CreateStoreAsync();
        try
        {
            await test(store);
        }
        finally
        {
            await DisposeStoreAsync(store);
        }
    }
}
