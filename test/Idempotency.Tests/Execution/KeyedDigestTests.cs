using System.Security.Cryptography;
using System.Text;

namespace Idempotency.Tests.Execution;

// SPEC §10: with a DigestSecret, store keys and fingerprints are HMAC-SHA256 under it, so a guessable key, scope or body
// cannot be confirmed from the store by hashing guesses.
public sealed class KeyedDigestTests
{
    private static readonly byte[] SecretA = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] SecretB = RandomNumberGenerator.GetBytes(48);

    [Fact]
    public async Task ExecuteAsync_WithSecret_StoresKeyedStoreKeyAndFingerprintAndReplays()
    {
        using var plain = new EngineHarness();
        using var keyed = new EngineHarness(o => o.DigestSecret = SecretA);
        var runs = 0;
        var request = new IdempotencyRequest("orders", "customer-42") { Scope = "user-7", Fingerprint = ContentHash.Compute("{}"u8) };

        await keyed.RunAsync(request, () => Interlocked.Increment(ref runs));
        var replay = await keyed.RunAsync(request, () => Interlocked.Increment(ref runs));

        Assert.Equal(IdempotencyOutcome.Replayed, replay.Outcome);
        Assert.Equal(1, runs);
        var storeKey = keyed.StoreKey("orders", "customer-42", "user-7");
        Assert.NotEqual(plain.StoreKey("orders", "customer-42", "user-7"), storeKey);
        var record = await keyed.Memory.GetAsync(storeKey, EngineHarness.Start, CancellationToken.None);
        Assert.NotNull(record);
        var expected = Convert.ToBase64String(HMACSHA256.HashData(SecretA, Encoding.UTF8.GetBytes(request.Fingerprint!))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.Equal(expected, record.Fingerprint);
    }

    [Fact]
    public void StoreKey_TwoSecrets_GiveDifferentKeys()
    {
        using var a = new EngineHarness(o => o.DigestSecret = SecretA);
        using var b = new EngineHarness(o => o.DigestSecret = SecretB);

        Assert.NotEqual(a.StoreKey("orders", "k", null), b.StoreKey("orders", "k", null));
    }

    [Fact]
    public async Task ExecuteAsync_SecretChanged_DoesNotFindTheEarlierRecord()
    {
        var store = new InMemoryIdempotencyStore();
        var runs = 0;
        using (var before = new EngineHarness(o => o.DigestSecret = SecretA, innerStore: store))
        {
            await before.RunAsync(new IdempotencyRequest("orders", "k"), () => Interlocked.Increment(ref runs));
        }

        using var after = new EngineHarness(o => o.DigestSecret = SecretB, innerStore: store);
        var result = await after.RunAsync(new IdempotencyRequest("orders", "k"), () => Interlocked.Increment(ref runs));

        Assert.Equal(IdempotencyOutcome.Executed, result.Outcome);
        Assert.Equal(2, runs);
    }

    [Fact]
    public void Create_SecretShorterThan32Bytes_IsRefusedWithTheReason()
    {
        var exception = Assert.Throws<ArgumentException>(() => IdempotencyExecutor.Create(new IdempotencyOptions { DigestSecret = new byte[31] }));

        Assert.Contains("DigestSecret is 31 bytes; it must be at least 32", exception.Message, StringComparison.Ordinal);
    }
}
