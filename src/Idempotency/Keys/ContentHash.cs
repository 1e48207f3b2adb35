using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace Idempotency;

/// <summary>Deterministic content hashes for keys and fingerprints: base64url(SHA-256), 43 characters.</summary>
public static class ContentHash
{
    /// <summary>Hashes raw bytes.</summary>
    /// <param name="content">The bytes.</param>
    /// <returns>base64url(SHA-256(content)).</returns>
    public static string Compute(ReadOnlySpan<byte> content)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(content, hash);
        return Base64Url.EncodeToString(hash);
    }

    /// <summary>
    /// Hashes the canonical form of a JSON document, so property order, insignificant whitespace, string escapes and number
    /// spelling (<c>1</c>, <c>1.0</c>, <c>1e0</c>) do not change the hash.
    /// </summary>
    /// <param name="utf8Json">A UTF-8 JSON document.</param>
    /// <param name="excludedProperties">Top-level properties left out (volatile fields such as timestamps).</param>
    /// <returns>base64url(SHA-256(canonical JSON)).</returns>
    /// <exception cref="JsonException">The input is not valid JSON.</exception>
    public static string ComputeCanonicalJson(ReadOnlySpan<byte> utf8Json, params ReadOnlySpan<string> excludedProperties)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Max(256, utf8Json.Length));
        CanonicalJson.Write(utf8Json, buffer, excludedProperties);
        return Compute(buffer.WrittenSpan);
    }

    /// <summary>Returns the canonical form of a JSON document (sorted properties, no whitespace, normalized numbers and escapes).</summary>
    /// <param name="utf8Json">A UTF-8 JSON document.</param>
    /// <returns>The canonical UTF-8 bytes.</returns>
    /// <exception cref="JsonException">The input is not valid JSON.</exception>
    public static byte[] CanonicalizeJson(ReadOnlySpan<byte> utf8Json)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Max(256, utf8Json.Length));
        CanonicalJson.Write(utf8Json, buffer, []);
        return buffer.WrittenSpan.ToArray();
    }
}
