using System.Security.Cryptography;
using System.Text;

namespace Idempotency.Tests.Keys;

// SPEC §10: keyed (HMAC) digests of keys, scopes and fingerprints under a deployment secret.
public sealed class DigestKeyTests
{
    private static readonly byte[] SecretA = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] SecretB = RandomNumberGenerator.GetBytes(32);

    [Theory]
    [InlineData(32)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(200)]
    public void Hash_EveryLength_EqualsHmacSha256(int secretLength)
    {
        var secret = RandomNumberGenerator.GetBytes(secretLength);
        var key = new DigestKey(secret);
        var expected = new byte[32];
        var actual = new byte[32];
        for (var length = 0; length < 1200; length += length < 200 ? 1 : 37)
        {
            var value = new string((char)('a' + (length % 26)), length);
            HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(value), expected);
            key.Hash(value, actual);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Create_NoSecret_IsPlainSha256AsBefore()
    {
        // The digest of existing store keys, byte for byte: turning the feature off (the default) moves no record.
        Assert.Equal("idem:s:op::" + ContentHash.Compute("k"u8), StoreKey.Create("idem", "s", "op", null, "k", digestKey: null));
        Assert.Equal(StoreKey.Create("idem", "s", "op", "tenant", "k"), StoreKey.Create("idem", "s", "op", "tenant", "k", digestKey: null));
    }

    [Fact]
    public void Create_WithSecret_HmacsKeyAndScope()
    {
        var key = StoreKey.Create("idem", "s", "op", "tenant", "k", new DigestKey(SecretA));

        var scope = Convert.ToBase64String(HMACSHA256.HashData(SecretA, "tenant"u8)[..16]).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var digest = Convert.ToBase64String(HMACSHA256.HashData(SecretA, "k"u8)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.Equal($"idem:s:op:{scope}:{digest}", key);
        Assert.NotEqual(StoreKey.Create("idem", "s", "op", "tenant", "k"), key);
    }

    [Fact]
    public void Create_TwoSecrets_GiveDifferentKeys()
    {
        Assert.NotEqual(
            StoreKey.Create("idem", "s", "op", "tenant", "k", new DigestKey(SecretA)),
            StoreKey.Create("idem", "s", "op", "tenant", "k", new DigestKey(SecretB)));
    }

    [Fact]
    public void Create_WithSecret_AllocatesOnlyTheKey()
    {
        var digestKey = new DigestKey(SecretA);
        StoreKey.Create("idem", "s", "op", "tenant", "k", digestKey);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var key = StoreKey.Create("idem", "s", "op", "tenant", "customer-42", digestKey);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(24 + (2 * (key.Length + 1)), allocated, tolerance: 8);
    }

    [Fact]
    public void Fingerprint_WithSecret_IsTheHmacOfTheFingerprintAndEmptyStaysEmpty()
    {
        var key = new DigestKey(SecretA);

        Assert.Equal(43, key.Fingerprint("body-hash").Length);
        Assert.NotEqual(key.Fingerprint("body-hash"), new DigestKey(SecretB).Fingerprint("body-hash"));
        Assert.Equal(string.Empty, key.Fingerprint(string.Empty));
    }
}
