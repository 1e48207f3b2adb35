using System.Security.Cryptography;
using System.Text;

namespace Idempotency;

/// <summary>
/// Encrypts payloads with AES-GCM under a key ring (<see cref="AesGcmPayloadProtectionOptions"/>). A protected payload is
/// byte 0 the format version (1), byte 1 the key id's length, the key id (ASCII), a 12-byte random nonce, the 16-byte
/// tag, then the ciphertext. The version, the key id and the store key (UTF-8, not stored in the payload) are its
/// associated data: any altered byte, or the payload copied to another store key's record, makes it unreadable rather
/// than different.
/// </summary>
public sealed class AesGcmPayloadProtector : IIdempotencyPayloadProtector
{
    internal const byte FormatVersion = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly AesGcmKeyRing _ring;

    /// <summary>Initializes a new instance of the <see cref="AesGcmPayloadProtector"/> class.</summary>
    /// <param name="options">The key ring; its keys are copied.</param>
    /// <exception cref="ArgumentException">The ring is invalid: no key, a key of a size AES does not take, or no active key.</exception>
    public AesGcmPayloadProtector(AesGcmPayloadProtectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionErrors.ThrowIfAny(options, AesGcmPayloadProtectionOptions.Errors);
        _ring = new AesGcmKeyRing(options);
    }

    /// <inheritdoc/>
    public byte[] Protect(ReadOnlySpan<byte> payload, string storeKey)
    {
        ArgumentNullException.ThrowIfNull(storeKey);
        var key = _ring.Active;
        var header = key.Header;
        var protectedPayload = new byte[header.Length + NonceSize + TagSize + payload.Length];
        header.CopyTo(protectedPayload, 0);
        var nonce = protectedPayload.AsSpan(header.Length, NonceSize);
        RandomNumberGenerator.Fill(nonce);

        // An AesGcm instance is not safe to share across threads; one per call keeps the protector free of locks.
        using var aes = new AesGcm(key.Key, TagSize);
        aes.Encrypt(nonce, payload, protectedPayload.AsSpan(header.Length + NonceSize + TagSize), protectedPayload.AsSpan(header.Length + NonceSize, TagSize), AssociatedData(header, storeKey));
        return protectedPayload;
    }

    /// <inheritdoc/>
    public byte[] Unprotect(ReadOnlySpan<byte> protectedPayload, string storeKey)
    {
        ArgumentNullException.ThrowIfNull(storeKey);
        if (protectedPayload.Length < 2 || protectedPayload.Length < 2 + protectedPayload[1] + NonceSize + TagSize)
        {
            throw new CryptographicException($"The protected payload is {protectedPayload.Length} bytes, shorter than its header.");
        }

        if (protectedPayload[0] != FormatVersion)
        {
            throw new CryptographicException($"The payload is not AES-GCM protected (format version {protectedPayload[0]}).");
        }

        var headerLength = 2 + protectedPayload[1];
        var header = protectedPayload[..headerLength];
        var key = _ring.Find(header[2..])
            ?? throw new CryptographicException($"The payload was protected with key '{Encoding.ASCII.GetString(header[2..])}', which is not in the key ring.");
        var body = protectedPayload[(headerLength + NonceSize + TagSize)..];
        var payload = new byte[body.Length];
        using var aes = new AesGcm(key.Key, TagSize);
        aes.Decrypt(protectedPayload.Slice(headerLength, NonceSize), body, protectedPayload.Slice(headerLength + NonceSize, TagSize), payload, AssociatedData(header, storeKey));
        return payload;
    }

    /// <summary>The header followed by the store key: what the tag authenticates besides the ciphertext.</summary>
    private static byte[] AssociatedData(ReadOnlySpan<byte> header, string storeKey)
    {
        var data = new byte[header.Length + Encoding.UTF8.GetByteCount(storeKey)];
        header.CopyTo(data);
        Encoding.UTF8.GetBytes(storeKey, data.AsSpan(header.Length));
        return data;
    }
}
