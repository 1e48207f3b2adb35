using System.Buffers.Text;
using System.Text;

namespace Idempotency;

/// <summary>
/// Builds store keys <c>{prefix}:{service}:{operation}:{scope}:{digest}</c>. The raw key and the scope are hashed,
/// so store keys have a bounded length, hold no personal data, and never collide across services, operations or scopes.
/// With a <see cref="DigestKey"/> the digests are HMAC-SHA256 under the deployment secret instead of SHA-256.
/// </summary>
internal static class StoreKey
{
    // base64url of a SHA-256 digest, and of the 128-bit prefix used for scopes.
    private const int DigestLength = 43;
    private const int ScopeDigestBytes = 16;

    /// <summary>The longest store key this builder produces, which every store must accept.</summary>
    public const int MaxLength = (3 * IdempotencyDefaults.MaxNameLength) + 22 + DigestLength + 4;

    public static string Create(string prefix, string service, string operation, string? scope, string key, DigestKey? digestKey = null)
    {
        // Built on the stack and copied once into the string: this runs on every request, replays included.
        Span<char> buffer = stackalloc char[MaxLength];
        var position = 0;
        Append(buffer, ref position, prefix);
        Append(buffer, ref position, service);
        Append(buffer, ref position, operation);
        Span<byte> hash = stackalloc byte[Sha256.HashSizeInBytes];
        if (!string.IsNullOrEmpty(scope))
        {
            Hash(scope, hash, digestKey);
            position += Base64Url.EncodeToChars(hash[..ScopeDigestBytes], buffer[position..]);
        }

        buffer[position++] = ':';
        Hash(key, hash, digestKey);
        position += Base64Url.EncodeToChars(hash, buffer[position..]);
        return new string(buffer[..position]);
    }

    /// <summary>Prefix, service and operation names: 1-100 of <c>[A-Za-z0-9._/-]</c>, never a colon.</summary>
    public static bool IsValidSegment(string? segment) =>
        !string.IsNullOrEmpty(segment) && segment.Length <= IdempotencyDefaults.MaxNameLength && segment.AsSpan().IndexOfAnyExcept(SegmentCharacters) < 0;

    private static readonly System.Buffers.SearchValues<char> SegmentCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/");

    private static void Hash(string value, Span<byte> destination, DigestKey? digestKey)
    {
        if (digestKey is not null)
        {
            digestKey.Hash(value, destination);
            return;
        }

        var byteCount = Encoding.UTF8.GetByteCount(value);
        var buffer = byteCount <= 1024 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(value, buffer);
        Sha256.HashData(buffer, destination);
    }

    private static void Append(Span<char> span, ref int position, string segment)
    {
        segment.AsSpan().CopyTo(span[position..]);
        position += segment.Length;
        span[position++] = ':';
    }
}
