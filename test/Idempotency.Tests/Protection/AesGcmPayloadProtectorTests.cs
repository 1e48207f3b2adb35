using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Idempotency.Tests.Protection;

public sealed class AesGcmPayloadProtectorTests
{
    private static readonly string KeyA = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string KeyB = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));

    private const string StoreKey = "idem:orders:http::key-digest";

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100_000)]
    public void Unprotect_WhatProtectWrote_GivesThePayloadBack(int length)
    {
        var protector = Protector(("a", KeyA));
        var payload = RandomNumberGenerator.GetBytes(length);

        var sealedPayload = protector.Protect(payload, StoreKey);

        Assert.Equal(2 + 1 + 12 + 16 + length, sealedPayload.Length);
        Assert.Equal([1, 1, (byte)'a'], sealedPayload[..3]);
        Assert.Equal(payload, protector.Unprotect(sealedPayload, StoreKey));
    }

    [Fact]
    public void Protect_SamePayloadTwice_GivesDifferentBytes()
    {
        var protector = Protector(("a", KeyA));

        Assert.NotEqual(protector.Protect("same"u8, StoreKey), protector.Protect("same"u8, StoreKey));
    }

    // One protector serves every request: protected in parallel, each payload still gets its own nonce (a repeated nonce
    // under one key would expose both plaintexts' XOR and the authentication key).
    [Fact]
    public void Protect_InParallel_NeverRepeatsANonce()
    {
        var protector = Protector(("a", KeyA));
        var nonces = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();

        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(4, Environment.ProcessorCount) }, _ =>
        {
            var sealedPayload = protector.Protect("same payload, same key"u8, StoreKey);
            Assert.True(nonces.TryAdd(Convert.ToHexString(sealedPayload, 3, 12), true), "A nonce was used twice.");
        });

        Assert.Equal(20_000, nonces.Count);
    }

    [Fact]
    public void Unprotect_RingRotated_ReadsTheRetiredKeyAndWritesWithTheActiveOne()
    {
        var before = Protector(("a", KeyA)).Protect("written under a"u8, StoreKey);
        var rotated = Protector(("b", KeyB), ("a", KeyA));

        Assert.Equal("written under a"u8.ToArray(), rotated.Unprotect(before, StoreKey));
        Assert.Equal([1, 1, (byte)'b'], rotated.Protect("x"u8, StoreKey)[..3]);
    }

    [Fact]
    public void Unprotect_KeyNotInRing_ThrowsNamingTheKey()
    {
        var before = Protector(("a", KeyA)).Protect("written under a"u8, StoreKey);

        var exception = Assert.Throws<CryptographicException>(() => Protector(("b", KeyB)).Unprotect(before, StoreKey));

        Assert.Equal("The payload was protected with key 'a', which is not in the key ring.", exception.Message);
    }

    [Fact]
    public void Unprotect_AnyOneByteFlipped_Throws()
    {
        var protector = Protector(("key-1", KeyA));
        var sealedPayload = protector.Protect("a result worth protecting"u8, StoreKey);

        for (var position = 0; position < sealedPayload.Length; position++)
        {
            var tampered = sealedPayload.ToArray();
            tampered[position] ^= 0x80;
            Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(tampered, StoreKey));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2 + 1 + 12 + 15)]
    public void Unprotect_Truncated_Throws(int length)
    {
        var sealedPayload = Protector(("a", KeyA)).Protect("payload"u8, StoreKey);

        Assert.ThrowsAny<CryptographicException>(() => Protector(("a", KeyA)).Unprotect(sealedPayload.AsSpan(0, length), StoreKey));
    }

    // The store key is authenticated with the payload: a record copied under another key (one caller's result under
    // another caller's key) does not unprotect there.
    [Theory]
    [InlineData("idem:orders:http::other-digest")]
    [InlineData("idem:orders:http::key-digesT")]
    [InlineData("")]
    public void Unprotect_UnderAnotherStoreKey_Throws(string otherStoreKey)
    {
        var protector = Protector(("a", KeyA));
        var sealedPayload = protector.Protect("a result for one caller"u8, StoreKey);

        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(sealedPayload, otherStoreKey));
        Assert.Equal("a result for one caller"u8.ToArray(), protector.Unprotect(sealedPayload, StoreKey));
    }

    [Fact]
    public void Unprotect_UnprotectedEnginePayload_Throws()
    {
        // An engine payload (revision 1, kind Value) written before protection was turned on.
        var exception = Assert.ThrowsAny<CryptographicException>(() => Protector(("a", KeyA)).Unprotect([1, 1, 0, .. Encoding.UTF8.GetBytes("\"a plain result of some length\"")], StoreKey));

        Assert.IsNotType<ArgumentException>(exception);
    }

    public static TheoryData<string, Action<AesGcmPayloadProtectionOptions>> InvalidRings => new()
    {
        { "Keys must hold at least one key", o => o.ActiveKeyId = "a" },
        { "Key 'a' is 20 bytes; AES-GCM keys are 16, 24 or 32 bytes", o => (o.Keys["a"], o.ActiveKeyId) = (Convert.ToBase64String(new byte[20]), "a") },
        { "Key 'a' is not valid base64.", o => (o.Keys["a"], o.ActiveKeyId) = ("not base64!", "a") },
        { "Key 'a' is 0 bytes", o => (o.Keys["a"], o.ActiveKeyId) = (string.Empty, "a") },
        { "Key id 'a b' must be 1-64 characters", o => (o.Keys["a b"], o.ActiveKeyId) = (KeyA, "a b") },
        { "ActiveKeyId must name the key", o => o.Keys["a"] = KeyA },
        { "ActiveKeyId 'c' is not in Keys.", o => (o.Keys["a"], o.ActiveKeyId) = (KeyA, "c") },
    };

    [Theory]
    [MemberData(nameof(InvalidRings))]
    public void Constructor_InvalidRing_ThrowsWithTheReason(string expected, Action<AesGcmPayloadProtectionOptions> configure)
    {
        var options = new AesGcmPayloadProtectionOptions();
        configure(options);

        var exception = Assert.Throws<ArgumentException>(() => new AesGcmPayloadProtector(options));

        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(KeyA, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(InvalidRings))]
    public void Executor_InvalidRingInServices_FailsWhenResolvedWithTheReason(string expected, Action<AesGcmPayloadProtectionOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddIdempotency().AddAesGcmPayloadProtection(configure);
        using var provider = services.BuildServiceProvider();

        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IIdempotencyExecutor>());

        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddAesGcmPayloadProtection_SetsTheEnginesProtector()
    {
        var services = new ServiceCollection();
        services.AddIdempotency().AddAesGcmPayloadProtection(o => (o.Keys["a"], o.ActiveKeyId) = (KeyA, "a"));
        using var provider = services.BuildServiceProvider();

        Assert.IsType<AesGcmPayloadProtector>(provider.GetRequiredService<IOptions<IdempotencyOptions>>().Value.PayloadProtector);
    }

    private static AesGcmPayloadProtector Protector(params (string Id, string Key)[] keys)
    {
        var options = new AesGcmPayloadProtectionOptions { ActiveKeyId = keys[0].Id };
        foreach (var (id, key) in keys)
        {
            options.Keys[id] = key;
        }

        return new AesGcmPayloadProtector(options);
    }
}
