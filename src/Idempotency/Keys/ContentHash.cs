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
    /// spelling (<c>1</c>, <c>1.0</c>, <c>1e0</c>) do not change the hash. Numbers are normalized exactly, whatever their
    /// size, as long as their decimal exponent in scientific form is within ±999999 (<c>1e400</c> and <c>10e399</c> hash
    /// alike; zero is always <c>0</c>); beyond that the input is refused, so a few bytes such as <c>[1e2147483647]</c>
    /// cannot cost an overflow or a huge allocation.
    /// </summary>
    /// <param name="utf8Json">A UTF-8 JSON document.</param>
    /// <param name="excludedProperties">Top-level properties left out (volatile fields such as timestamps).</param>
    /// <returns>base64url(SHA-256(canonical JSON)).</returns>
    /// <exception cref="JsonException">The input is not valid JSON, or holds a non-zero number whose decimal exponent in scientific form is beyond ±999999.</exception>
    public static string ComputeCanonicalJson(ReadOnlySpan<byte> utf8Json, params ReadOnlySpan<string> excludedProperties)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Max(256, utf8Json.Length));
        CanonicalJson.Write(utf8Json, buffer, excludedProperties);
        return Compute(buffer.WrittenSpan);
    }

    /// <summary>
    /// Returns the canonical form of a JSON document (sorted properties, no whitespace, normalized numbers and escapes), with
    /// the same number range as <see cref="ComputeCanonicalJson"/>.
    /// </summary>
    /// <param name="utf8Json">A UTF-8 JSON document.</param>
    /// <returns>The canonical UTF-8 bytes.</returns>
    /// <exception cref="JsonException">The input is not valid JSON, or holds a non-zero number whose decimal exponent in scientific form is beyond ±999999.</exception>
    public static byte[] CanonicalizeJson(ReadOnlySpan<byte> utf8Json)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Max(256, utf8Json.Length));
        CanonicalJson.Write(utf8Json, buffer, []);
        return buffer.WrittenSpan.ToArray();
    }
}
