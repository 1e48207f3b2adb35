using System.Text;
using CsCheck;
using Idempotency.AspNetCore;

namespace Idempotency.PropertyTests;

/// <summary>The <c>Idempotency-Key</c> header reader (RFC 8941 string, or a bare value in lenient mode) over any field value.</summary>
public sealed class KeyHeaderProperties
{
    private static readonly Gen<string> PrintableKey = Gen.Char[' ', '~'].Array[1, 60].Select(static chars => new string(chars));

    // Keys with nothing a bare value may not hold: no space, comma, semicolon, quote or backslash.
    private static readonly Gen<string> BareKey = Gen.Char['!', '~'].Where(static c => c is not (',' or ';' or '"' or '\\')).Array[1, 60].Select(static chars => new string(chars));

    private static readonly Gen<string> Whitespace = Gen.OneOf("", " ", "\t", "  \t");

    private static readonly Gen<string> AnyFieldValue = Gen.Frequency(
        (3, JsonGen.Text(30)),
        (3, Gen.Char[' ', '~'].Array[0, 40].Select(static chars => new string(chars))),
        (3, Gen.OneOf("\"", "\\", ",", ";", " ", "\t", "a", "=", "1", "\u00e9", "\u0000", "\u007f", "\"\"").Array[0, 20].Select(static parts => string.Concat(parts))),
        (2, Gen.Select(PrintableKey, Whitespace, Whitespace, static (key, before, after) => before + Quote(key) + after)));

    [Fact]
    public void Parse_AnyFieldValue_GivesAPrintableKeyOrAReasonThatDoesNotEchoIt() =>
        Gen.Select(AnyFieldValue, Gen.Bool).Check(static sample =>
        {
            var (field, strict) = sample;
            var result = KeyHeaderReader.Parse(field, strict);
            Assert.True(result.Key is null != (result.Error is null), "exactly one of a key or an error");
            if (result.Key is { } key)
            {
                Assert.NotEmpty(key);
                Assert.All(key, static c => Assert.InRange(c, ' ', '~'));
            }
            else if (field.Trim().Length >= 8)
            {
                Assert.DoesNotContain(field.Trim(), result.Error!, StringComparison.Ordinal);
            }
        });

    [Fact]
    public void Parse_QuotedKey_GivesTheKeyBackInEitherMode() =>
        Gen.Select(PrintableKey, Whitespace, Whitespace, Gen.Bool).Check(static sample =>
        {
            var (key, before, after, strict) = sample;
            Assert.Equal(key, KeyHeaderReader.Parse(before + Quote(key) + after, strict).Key);
        });

    [Fact]
    public void Parse_BareKey_NamesTheSameKeyAsQuotedInLenientModeAndIsRefusedInStrictMode() =>
        Gen.Select(BareKey, Whitespace).Check(static sample =>
        {
            var (key, space) = sample;
            Assert.Equal(key, KeyHeaderReader.Parse(space + key + space, strict: false).Key);
            Assert.NotNull(KeyHeaderReader.Parse(key, strict: true).Error);
        });

    [Fact]
    public void Parse_QuotedKeyFollowedByAnything_IsRefused() =>
        Gen.Select(PrintableKey, Gen.Char['!', '~'], Gen.Bool).Check(static sample =>
        {
            // A list (,), parameters (;) or any other trailing text could make two header values name one key.
            var (key, next, strict) = sample;
            Assert.NotNull(KeyHeaderReader.Parse(Quote(key) + next, strict).Error);
        });

    private static string Quote(string key) => new StringBuilder("\"").Append(key.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"').ToString();
}
