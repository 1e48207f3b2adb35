using System.Buffers.Text;
using System.Security.Cryptography;

namespace Idempotency.Testing;

/// <summary>
/// Store keys shaped like the engine's, <c>{prefix}:{service}:{operation}:{scope}:{digest}</c>, with a random digest so
/// no two tests (or two runs against one server) ever share a key.
/// </summary>
internal static class ConformanceKeys
{
    /// <summary>The longest name the engine accepts for the prefix, the service and the operation.</summary>
    public const int MaxNameLength = 100;

    /// <summary>The length of a scope hash (base64url of 16 bytes).</summary>
    public const int ScopeLength = 22;

    /// <summary>The length of a key digest (base64url of a SHA-256 hash).</summary>
    public const int DigestLength = 43;

    /// <summary>The longest store key the engine builds (the core's <c>StoreKey.MaxLength</c>): three 100-character names, a scope, a digest and four colons.</summary>
    public const int MaxLength = (3 * MaxNameLength) + ScopeLength + DigestLength + 4;

    /// <summary>Every character a store key may hold: the name characters, the base64url alphabet and the separator.</summary>
    public const string AllowedCharacters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-/:";

    public static string Create(string operation, string prefix = "idem", string service = "conformance", string scope = "") =>
        $"{prefix}:{service}:{Name(operation)}:{scope}:{Digest()}";

    /// <summary>A key of exactly <see cref="MaxLength"/> characters: every name at its longest, and a scope.</summary>
    public static string Longest() =>
        $"{Fill("prefix.")}:{Fill("service-")}:{Fill("operation/")}:{Scope()}:{Digest()}";

    public static string Digest() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Scope() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    private static string Name(string operation) => operation.Length <= MaxNameLength ? operation : operation[..MaxNameLength];

    private static string Fill(string pattern) => string.Concat(Enumerable.Repeat(pattern, (MaxNameLength / pattern.Length) + 1))[..MaxNameLength];
}
