namespace Idempotency.AspNetCore.Tests;

public sealed class KeyHeaderReaderTests
{
    [Theory]
    [InlineData("abc", "abc")]
    [InlineData("\"abc\"", "abc")]
    [InlineData("  \"abc\"\t", "abc")]
    [InlineData("\"a,b;c\"", "a,b;c")]
    [InlineData("\"a b\"", "a b")]
    [InlineData("\"a\\\"b\"", "a\"b")]
    [InlineData("\"a\\\\b\"", "a\\b")]
    [InlineData("550e8400-e29b-41d4-a716-446655440000", "550e8400-e29b-41d4-a716-446655440000")]
    [InlineData("idem_KG5LxwFBepaKHyUD:1/2", "idem_KG5LxwFBepaKHyUD:1/2")]
    public void Parse_Lenient_ReturnsKey(string value, string expected)
    {
        var result = KeyHeaderReader.Parse(value, strict: false);

        Assert.Null(result.Error);
        Assert.Equal(expected, result.Key);
    }

    [Theory]
    [InlineData("\"abc\"", "abc")]
    [InlineData("\"a\\\"b\"", "a\"b")]
    public void Parse_Strict_AcceptsStrings(string value, string expected) =>
        Assert.Equal(expected, KeyHeaderReader.Parse(value, strict: true).Key);

    [Theory]
    [InlineData("", "empty")]
    [InlineData("\"\"", "empty")]
    [InlineData("\"a\",\"b\"", "list")]
    [InlineData("a,b", "list")]
    [InlineData("\"a\";p", "parameters")]
    [InlineData("a;p=1", "parameters")]
    [InlineData("\"abc", "closing")]
    [InlineData("\"a\\nb\"", "backslash")]
    [InlineData("\"a\u00e9\"", "printable")]
    [InlineData("a\u00e9", "printable")]
    [InlineData("\"a\"b", "follow")]
    public void Parse_Malformed_ReturnsReason(string value, string reasonPart)
    {
        var result = KeyHeaderReader.Parse(value, strict: false);

        Assert.Null(result.Key);
        Assert.Contains(reasonPart, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_StrictBareToken_ReturnsReason()
    {
        var result = KeyHeaderReader.Parse("abc", strict: true);

        Assert.Null(result.Key);
        Assert.Contains("double quotes", result.Error, StringComparison.Ordinal);
    }
}
