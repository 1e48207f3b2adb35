using System.Buffers.Text;
using System.Text;

namespace Idempotency;

/// <summary>
/// HMAC-SHA256 (RFC 2104) under <see cref="IdempotencyOptions.DigestSecret"/>, over the managed <see cref="Sha256"/>, for
/// the digests in store keys and of fingerprints. The padded key blocks are computed once; a digest of a short input
/// allocates nothing. Checked against HMACSHA256 by tests.
/// </summary>
internal sealed class DigestKey
{
    public const int MinSecretLength = 32;
    private const int BlockSize = 64;

    private readonly byte[] _innerPad = new byte[BlockSize];
    private readonly byte[] _outerPad = new byte[BlockSize];

    public DigestKey(ReadOnlySpan<byte> secret)
    {
        Span<byte> key = stackalloc byte[BlockSize];
        key.Clear();
        if (secret.Length > BlockSize)
        {
            Sha256.HashData(secret, key);
        }
        else
        {
            secret.CopyTo(key);
        }

        for (var i = 0; i < BlockSize; i++)
        {
            _innerPad[i] = (byte)(key[i] ^ 0x36);
            _outerPad[i] = (byte)(key[i] ^ 0x5c);
        }
    }

    /// <summary>The key for <paramref name="secret"/>, or <see langword="null"/> (plain SHA-256) without one.</summary>
    public static DigestKey? From(byte[]? secret) => secret is null ? null : new DigestKey(secret);

    /// <summary>HMAC-SHA256 of the UTF-8 bytes of <paramref name="value"/>.</summary>
    public void Hash(string value, Span<byte> destination)
    {
        var length = BlockSize + Encoding.UTF8.GetByteCount(value);
        var inner = length <= 1024 ? stackalloc byte[length] : new byte[length];
        _innerPad.CopyTo(inner);
        Encoding.UTF8.GetBytes(value, inner[BlockSize..]);
        Span<byte> outer = stackalloc byte[BlockSize + Sha256.HashSizeInBytes];
        _outerPad.CopyTo(outer);
        Sha256.HashData(inner, outer[BlockSize..]);
        Sha256.HashData(outer, destination);
    }

    /// <summary>
    /// The keyed form of a fingerprint: base64url(HMAC-SHA256), 43 characters. An empty fingerprint (none given) stays
    /// empty, as it only ever matches another empty one.
    /// </summary>
    public string Fingerprint(string fingerprint)
    {
        if (fingerprint.Length == 0)
        {
            return fingerprint;
        }

        Span<byte> hash = stackalloc byte[Sha256.HashSizeInBytes];
        Hash(fingerprint, hash);
        return Base64Url.EncodeToString(hash);
    }
}
