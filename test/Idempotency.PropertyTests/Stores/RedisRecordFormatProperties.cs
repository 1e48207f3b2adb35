using CsCheck;
using Idempotency.StackExchangeRedis;

namespace Idempotency.PropertyTests;

/// <summary>The Redis store's value format: a claim reads back as written; any other value is reported corrupt.</summary>
public sealed class RedisRecordFormatProperties
{
    [Fact]
    public void Decode_WhatEncodeClaimWrote_GivesTheClaimBack() =>
        StoreGen.ClaimRequest.Check(static request =>
        {
            var record = RedisRecordFormat.Decode(request.Key, Encode(request));
            StoreGen.AssertClaimed(request, record);
        });

    [Fact]
    public void Decode_AnyValue_ThrowsOnlyCorrupt() =>
        Gen.Frequency(
            (1, Gen.Byte.Array[0, 80]),
            (2, Gen.Select(Gen.Byte[0, 3], Gen.Byte[0, 4], Gen.Long, Gen.Long, Gen.Long, Gen.UShort[0, 40], Gen.UShort[0, 40], Gen.Byte.Array[0, 80])
                .Select(static v => Header(v.Item1, v.Item2, v.Item3, v.Item4, v.Item5, v.Item6, v.Item7, v.Item8))),
            (2, Gen.Select(StoreGen.ClaimRequest, Gen.Int, static (request, seed) => StoreGen.Damage(Encode(request), new Random(seed)))))
        .Check(static value =>
        {
            try
            {
                var record = RedisRecordFormat.Decode("key", value);
                Assert.InRange((int)record.Status, 0, 2);
            }
            catch (IdempotencyRecordCorruptException)
            {
            }
        });

    private static byte[] Encode(IdempotencyClaimRequest request)
    {
        var value = new byte[RedisRecordFormat.ClaimLength(request)];
        RedisRecordFormat.EncodeClaim(request, value);
        return value;
    }

    private static byte[] Header(byte revision, byte status, long created, long lease, long expires, ushort owner, ushort fingerprint, byte[] rest) =>
        [revision, status, 0, .. BitConverter.GetBytes(created), .. BitConverter.GetBytes(lease), .. BitConverter.GetBytes(expires), .. BitConverter.GetBytes(owner), .. BitConverter.GetBytes(fingerprint), .. rest];
}
