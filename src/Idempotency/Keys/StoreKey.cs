using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Idempotency;

/// <summary>
/// Builds store keys <c>{prefix}:{service}:{operation}:{scope}:{digest}</c>. The raw key and the scope are hashed,
/// so store keys have a bounded length, hold no personal data, and never collide across services, operations or scopes.
/// </summary>
internal static class StoreKey
{
    // base64url of a SHA-256 digest, and of the 128-bit prefix used for scopes.
    private const int DigestLength = 43;
    private const int ScopeDigestBytes = 16;

    /// <summary>The longest store key this builder produces, which every store must accept.</summary>
    public const int MaxLength = (3 * IdempotencyDefaults.MaxNameLength) + 22 + DigestLength + 4;

    public static string Create(string prefix, string service, string operation, string? scope, string key)
    {
        Span<byte> keyHash = stackalloc byte[SHA256.HashSizeInBytes];
        Hash(key, keyHash);
        Span<byte> scopeHash = stackalloc byte[SHA256.HashSizeInBytes];
        var hasScope = !string.IsNullOrEmpty(scope);
        if (hasScope)
        {
            Hash(scope!, scopeHash);
        }

        var scopeLength = hasScope ? Base64Url.GetEncodedLength(ScopeDigestBytes) : 0;
        var length = prefix.Length + service.Length + operation.Length + scopeLength + DigestLength + 4;
        return string.Create(length, (prefix, service, operation, hasScope, scopeHash.ToArray(), keyHash.ToArray()), static (span, state) =>
        {
            var position = 0;
            Append(span, ref position, state.prefix);
            Append(span, ref position, state.service);
            Append(span, ref position, state.operation);
            if (state.hasScope)
            {
                position += Base64Url.EncodeToChars(state.Item5.AsSpan(0, ScopeDigestBytes), span[position..]);
            }

            span[position++] = ':';
            Base64Url.EncodeToChars(state.Item6, span[position..]);
        });
    }

    /// <summary>Prefix, service and operation names: 1-100 of <c>[A-Za-z0-9._/-]</c>, never a colon.</summary>
    public static bool IsValidSegment(string? segment) =>
        !string.IsNullOrEmpty(segment) && segment.Length <= IdempotencyDefaults.MaxNameLength && segment.AsSpan().IndexOfAnyExcept(SegmentCharacters) < 0;

    private static readonly System.Buffers.SearchValues<char> SegmentCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/");

    private static void Hash(string value, Span<byte> destination)
    {
        var byteCount = Encoding.UTF8.GetByteCount(value);
        var buffer = byteCount <= 1024 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(value, buffer);
        SHA256.HashData(buffer, destination);
    }

    private static void Append(Span<char> span, ref int position, string segment)
    {
        segment.AsSpan().CopyTo(span[position..]);
        position += segment.Length;
        span[position++] = ':';
    }
}
