namespace Idempotency;

/// <summary>
/// Encrypts stored payloads at rest (results, captured responses, remembered failures). The engine protects every payload
/// after encoding it, before any store sees it, and unprotects every payload it reads back, so each store is covered
/// without knowing. Record metadata (status, times, owner token, fingerprint, store key) stays as it is; see
/// docs/encryption.md.
/// </summary>
public interface IIdempotencyPayloadProtector
{
    /// <summary>Protects an encoded payload. Called once per write, before the store is called.</summary>
    /// <param name="payload">The encoded payload.</param>
    /// <param name="storeKey">
    /// The store key the payload is written under. An implementation binds the protected bytes to it (authenticates it
    /// with them), so bytes copied to another key's record do not unprotect there and cannot replay one caller's result
    /// to another.
    /// </param>
    /// <returns>The protected bytes the store keeps.</returns>
    byte[] Protect(ReadOnlySpan<byte> payload, string storeKey);

    /// <summary>Reads back bytes <see cref="Protect"/> produced, possibly with a key retired since.</summary>
    /// <param name="protectedPayload">The bytes the store returned.</param>
    /// <param name="storeKey">The store key the bytes were read from: the one they were protected for, or they are unreadable.</param>
    /// <returns>The encoded payload.</returns>
    /// <exception cref="System.Security.Cryptography.CryptographicException">
    /// The bytes cannot be read: written under a key no longer available, altered, truncated, protected for another store
    /// key or not protected at all. The
    /// engine answers the record as corrupt (<see cref="IdempotencyRecordCorruptException"/>), never by running the work again.
    /// </exception>
    byte[] Unprotect(ReadOnlySpan<byte> protectedPayload, string storeKey);
}
