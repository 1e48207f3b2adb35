using Microsoft.AspNetCore.DataProtection;

namespace Idempotency.AspNetCore;

/// <summary>
/// Protects stored payloads with ASP.NET Core Data Protection, so its key ring, automatic rotation, key storage and key
/// encryption (for example to Azure Key Vault or a certificate) serve idempotency records too. A key revoked or lost
/// from the ring makes its records unreadable: Data Protection throws a CryptographicException, which the engine answers
/// as a corrupt record.
/// </summary>
internal sealed class DataProtectionPayloadProtector(IDataProtector protector) : IIdempotencyPayloadProtector
{
    // IDataProtector takes arrays: one copy in each direction, and only when protection is on. The store key is a
    // sub-purpose: Data Protection authenticates the purpose chain with the payload, so bytes moved to another key's
    // record do not unprotect there.
    public byte[] Protect(ReadOnlySpan<byte> payload, string storeKey) => protector.CreateProtector(storeKey).Protect(payload.ToArray());

    public byte[] Unprotect(ReadOnlySpan<byte> protectedPayload, string storeKey) => protector.CreateProtector(storeKey).Unprotect(protectedPayload.ToArray());
}
