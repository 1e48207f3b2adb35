using CsCheck;

namespace Idempotency.PropertyTests;

/// <summary>Claims as the engine makes them, for the stores' record formats.</summary>
public static class StoreGen
{
    private static readonly long MinMilliseconds = DateTimeOffset.UnixEpoch.ToUnixTimeMilliseconds();
    private static readonly long MaxMilliseconds = new DateTimeOffset(2200, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>A time at millisecond precision (what every store keeps).</summary>
    public static readonly Gen<DateTimeOffset> Time = Gen.Long[MinMilliseconds, MaxMilliseconds].Select(DateTimeOffset.FromUnixTimeMilliseconds);

    public static readonly Gen<TimeSpan> Duration = Gen.Long[1, 365L * 24 * 3600 * 1000].Select(TimeSpan.FromMilliseconds);

    public static readonly Gen<IdempotencyClaimRequest> ClaimRequest =
        Gen.Select(JsonGen.Text(40), JsonGen.Text(40), JsonGen.Text(50), Time, Duration, Duration)
            .Select(static c => new IdempotencyClaimRequest("key:" + c.Item1, c.Item2, c.Item3, c.Item4, c.Item5, c.Item6));

    public static void AssertClaimed(IdempotencyClaimRequest request, IdempotencyRecord record)
    {
        Assert.Equal(request.Key, record.Key);
        Assert.Equal(IdempotencyRecordStatus.InProgress, record.Status);
        Assert.Equal(request.OwnerToken, record.OwnerToken);
        Assert.Equal(request.Fingerprint, record.Fingerprint);
        Assert.Equal(request.Now, record.CreatedAt);
        Assert.Equal(request.Now + request.Lease, record.LeaseExpiresAt);
        Assert.Equal(request.Now + request.Ttl, record.ExpiresAt);
        Assert.True(record.Payload.IsEmpty);
        Assert.False(record.Retryable);
    }

    /// <summary>One edit: a byte flipped, the value cut short, or a byte appended.</summary>
    public static byte[] Damage(byte[] value, Random random) => random.Next(3) switch
    {
        0 when value.Length > 0 => Flip(value, random),
        1 => value[..random.Next(value.Length + 1)],
        _ => [.. value, (byte)random.Next(256)],
    };

    private static byte[] Flip(byte[] value, Random random)
    {
        value[random.Next(value.Length)] ^= (byte)(1 << random.Next(8));
        return value;
    }
}
