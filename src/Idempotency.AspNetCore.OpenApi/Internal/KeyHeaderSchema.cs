using System.Globalization;

namespace Idempotency.AspNetCore.OpenApi;

/// <summary>
/// The syntax of the key header as a JSON Schema pattern, matching what the middleware's header reader accepts: an
/// RFC 8941 Structured Field string (<c>"abc"</c>, with <c>\"</c> and <c>\\</c> as the only escapes) and, unless
/// parsing is strict, a bare value (printable ASCII without space, <c>"</c>, <c>\</c>, <c>,</c> or <c>;</c>). The
/// quantifier bounds the key itself (an escape pair is one character of the key), so the pattern enforces
/// <see cref="IdempotencyOptions.MaxKeyLength"/> exactly; surrounding whitespace, which the reader trims, is left out.
/// </summary>
internal static class KeyHeaderSchema
{
    private const string QuotedCharacter = @"[\x20\x21\x23-\x5B\x5D-\x7E]|\\[\x22\x5C]";
    private const string BareCharacter = @"[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]";

    public static string Pattern(int maxKeyLength, bool strict)
    {
        var quoted = string.Create(CultureInfo.InvariantCulture, $"\"(?:{QuotedCharacter}){{1,{maxKeyLength}}}\"");
        return strict
            ? $"^{quoted}$"
            : string.Create(CultureInfo.InvariantCulture, $"^(?:{quoted}|{BareCharacter}{{1,{maxKeyLength}}})$");
    }

    /// <summary>The longest value the pattern accepts: a quoted key whose every character is escaped.</summary>
    public static int MaxLength(int maxKeyLength) => (2 * maxKeyLength) + 2;
}
