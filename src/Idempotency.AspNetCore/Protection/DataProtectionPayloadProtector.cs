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
    // IDataProtector takes arrays: one copy in each direction, and only when protection is on.
    public byte[] Protect(ReadOnlySpan<byte> payload) => protector.Protect(payload.ToArray());

    public byte[] Unprotect(ReadOnlySpan<byte> protectedPayload) => protector.Unprotect(protectedPayload.ToArray());
}
