using System.Buffers.Binary;
using System.Text;

namespace Idempotency.StackExchangeRedis;

/// <summary>
/// The Redis value of one record: a single binary string, so a record is one key (Redis Cluster safe) and one allocation.
/// </summary>
/// <remarks>
/// Revision 1, all integers little-endian, times in Unix milliseconds:
/// <code>
/// offset size field
///      0    1 revision (1)
///      1    1 status (0 in progress, 1 completed, 2 failed)
///      2    1 flags (bit 0: failed record is retryable)
///      3    8 created at (int64)
///     11    8 lease expires at (int64)
///     19    8 expires at (int64)
///     27    2 owner token length in bytes (uint16)
///     29    2 fingerprint length in bytes (uint16)
///     31    n owner token (UTF-8), then the fingerprint (UTF-8), then the payload (every remaining byte)
/// </code>
/// The Lua scripts read the same layout with <c>struct.unpack('&lt;BBBi8i8i8HH', value)</c>; change both together and
/// bump the revision. A value with another revision, or that does not add up, is reported as corrupt, never parsed.
/// </remarks>
internal static class RedisRecordFormat
{
    public const byte Revision = 1;
    public const int HeaderLength = 31;
    public const int RetryableFlag = 1;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The length of the in-progress record a claim writes (see <see cref="EncodeClaim"/>).</summary>
    public static int ClaimLength(in IdempotencyClaimRequest request) =>
        HeaderLength + TextLength(request.OwnerToken, "owner token") + TextLength(request.Fingerprint, "fingerprint");

    /// <summary>Encodes the in-progress record a claim writes into the first <see cref="ClaimLength"/> bytes of <paramref name="span"/>.</summary>
    public static void EncodeClaim(in IdempotencyClaimRequest request, Span<byte> span)
    {
        var ownerLength = TextLength(request.OwnerToken, "owner token");
        var fingerprintLength = TextLength(request.Fingerprint, "fingerprint");
        span[0] = Revision;
        span[1] = (byte)IdempotencyRecordStatus.InProgress;
        span[2] = 0;
        BinaryPrimitives.WriteInt64LittleEndian(span[3..], request.Now.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt64LittleEndian(span[11..], (request.Now + request.Lease).ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt64LittleEndian(span[19..], (request.Now + request.Ttl).ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteUInt16LittleEndian(span[27..], (ushort)ownerLength);
        BinaryPrimitives.WriteUInt16LittleEndian(span[29..], (ushort)fingerprintLength);
        Encoding.UTF8.GetBytes(request.OwnerToken, span[HeaderLength..]);
        Encoding.UTF8.GetBytes(request.Fingerprint, span[(HeaderLength + ownerLength)..]);
    }

    /// <summary>Reads a stored value; throws <see cref="IdempotencyRecordCorruptException"/> for anything else.</summary>
    /// <param name="key">The store key (without the instance prefix), for the record and the error.</param>
    /// <param name="value">The whole Redis value; the record's payload is a slice of it, not a copy.</param>
    public static IdempotencyRecord Decode(string key, ReadOnlyMemory<byte> value)
    {
        var span = value.Span;
        if (span.Length < HeaderLength)
        {
            throw Corrupt(key, $"the value is {span.Length} bytes, shorter than the {HeaderLength}-byte record header; it was not written by this store");
        }

        if (span[0] != Revision)
        {
            throw Corrupt(key, $"unknown format revision {span[0]} (this store reads revision {Revision}); it was not written by this store or by a newer version of it");
        }

        if (span[1] > (byte)IdempotencyRecordStatus.Failed)
        {
            throw Corrupt(key, $"unknown record status {span[1]}");
        }

        int ownerLength = BinaryPrimitives.ReadUInt16LittleEndian(span[27..]);
        int fingerprintLength = BinaryPrimitives.ReadUInt16LittleEndian(span[29..]);
        var payloadStart = HeaderLength + ownerLength + fingerprintLength;
        if (payloadStart > span.Length)
        {
            throw Corrupt(key, $"the header announces {payloadStart} bytes but the value holds {span.Length}; the value is truncated");
        }

        try
        {
            return new IdempotencyRecord
            {
                Key = key,
                Status = (IdempotencyRecordStatus)span[1],
                Retryable = (span[2] & RetryableFlag) != 0,
                CreatedAt = ReadTime(span[3..]),
                LeaseExpiresAt = ReadTime(span[11..]),
                ExpiresAt = ReadTime(span[19..]),
                OwnerToken = StrictUtf8.GetString(span.Slice(HeaderLength, ownerLength)),
                Fingerprint = StrictUtf8.GetString(span.Slice(HeaderLength + ownerLength, fingerprintLength)),
                Payload = value[payloadStart..],
            };
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw Corrupt(key, "a time in the header is out of range", ex);
        }
        catch (DecoderFallbackException ex)
        {
            throw Corrupt(key, "the owner token or fingerprint is not valid UTF-8", ex);
        }
    }

    /// <summary>Redis' own expiry for a record that lives <paramref name="ttl"/>: whole milliseconds, at least 1.</summary>
    public static long NativeTtlMilliseconds(TimeSpan ttl) =>
        ttl <= TimeSpan.Zero ? 1 : Math.Max(1, (long)Math.Ceiling(ttl.TotalMilliseconds));

    private static DateTimeOffset ReadTime(ReadOnlySpan<byte> span) =>
        DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(span));

    private static int TextLength(string text, string what)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        return length <= ushort.MaxValue
            ? length
            : throw new ArgumentException($"The {what} is {length} bytes in UTF-8; the Redis store accepts at most {ushort.MaxValue}.", nameof(text));
    }

    private static IdempotencyRecordCorruptException Corrupt(string key, string reason, Exception? inner = null) => new(key, reason, inner);
}
