namespace Idempotency.JmesPath.Tests;

public sealed class JmesPathKeySelectorErrorTests
{
    [Theory]
    [InlineData("foo[")]
    [InlineData("a.")]
    [InlineData("[?a == ")]
    [InlineData("unknown_function(a)")]
    [InlineData("length(a, b)")]
    [InlineData("from_json(a, b)")]
    [InlineData("a[::0]")]
    public void Constructor_InvalidKeyExpression_ThrowsArgumentException(string expression)
    {
        var ex = Assert.Throws<ArgumentException>(() => new JmesPathKeySelector(expression));

        Assert.Equal("keyExpression", ex.ParamName);
        Assert.StartsWith($"'{expression}' is not a valid JMESPath expression: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_UnknownFunction_MessageNamesIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => new JmesPathKeySelector("json_parse(body).id"));

        Assert.Contains("no function named json_parse", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidFingerprintExpression_ThrowsArgumentExceptionForIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => new JmesPathKeySelector("id", "body.["));

        Assert.Equal("fingerprintExpression", ex.ParamName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Constructor_EmptyExpression_ThrowsArgumentException(string expression)
    {
        Assert.Equal("keyExpression", Assert.Throws<ArgumentException>(() => new JmesPathKeySelector(expression)).ParamName);
        Assert.Equal("fingerprintExpression", Assert.Throws<ArgumentException>(() => new JmesPathKeySelector("id", expression)).ParamName);
    }

    [Fact]
    public void Constructor_NullExpression_ThrowsArgumentNullException()
    {
        Assert.Equal("keyExpression", Assert.Throws<ArgumentNullException>(() => new JmesPathKeySelector(null!)).ParamName);
    }

    [Theory]
    [InlineData("""{'id':"secret"}""", "the payload is not valid JSON (line 1, byte 2).")]
    [InlineData("""{"id":"secret"} trailing""", "the payload is not valid JSON (line 1, byte 17).")]
    [InlineData("""{"id":"secret" /* comment */}""", "the payload is not valid JSON (line 1, byte 16).")]
    [InlineData("""{"id":"secret",}""", "the payload is not valid JSON (line 1, byte 16).")]
    [InlineData("{\n\"id\": secret}", "the payload is not valid JSON (line 2, byte 7).")]
    [InlineData("""{"id":"secret""", "the payload is not valid JSON (line 1, byte 14).")]
    [InlineData("   ", "the payload is not valid JSON (line 1, byte 4).")]
    public void Select_InvalidPayload_ThrowsKeyInvalidWithReason(string payload, string reason)
    {
        var ex = Assert.Throws<IdempotencyKeyInvalidException>(() => new JmesPathKeySelector("id").Select(payload));

        Assert.Equal(reason, ex.Reason);
        Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Select_InvalidUtf8_ThrowsKeyInvalid()
    {
        byte[] payload = [.. """{"id":"a"""u8, 0xC3, 0x28, .. "\"}"u8];

        var ex = Assert.Throws<IdempotencyKeyInvalidException>(() => new JmesPathKeySelector("id").Select(payload));

        Assert.StartsWith("the payload is not valid", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Select_InvalidEmbeddedJson_ThrowsKeyInvalidNamingFromJson()
    {
        var ex = Assert.Throws<IdempotencyKeyInvalidException>(() => new JmesPathKeySelector("from_json(body).id").Select("""{"body":"{secret"}"""));

        Assert.Equal("the payload holds a string passed to from_json that is not valid JSON (line 1, byte 2) (in the key expression).", ex.Reason);
    }

    [Fact]
    public void Select_InvalidEmbeddedJsonInFingerprint_SaysFingerprintExpression()
    {
        var ex = Assert.Throws<IdempotencyKeyInvalidException>(() => new JmesPathKeySelector("id", "from_json(body)").Select("""{"id":"k","body":"[1,"}"""));

        Assert.Equal("the payload holds a string passed to from_json that is not valid JSON (line 1, byte 3) (in the fingerprint expression).", ex.Reason);
    }

    [Fact]
    public void Select_InvalidBase64_ThrowsKeyInvalid()
    {
        var ex = Assert.Throws<IdempotencyKeyInvalidException>(() => new JmesPathKeySelector("from_base64(body)").Select("""{"body":"not base64!"}"""));

        Assert.Equal("the payload holds a string passed to from_base64 that is not base64-encoded UTF-8 text (in the key expression).", ex.Reason);
    }

    [Fact]
    public void Select_FunctionGivenWrongType_ThrowsKeyInvalid()
    {
        var ex = Assert.Throws<IdempotencyKeyInvalidException>(() => new JmesPathKeySelector("length(id)").Select("""{"id":1}"""));

        Assert.StartsWith("the key expression cannot be evaluated on this payload: ", ex.Reason, StringComparison.Ordinal);
        Assert.Contains("invalid-type", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Select_AfterEvaluationError_SelectorStillWorks()
    {
        var selector = new JmesPathKeySelector("let $n = length(id) in [$n, id]");

        Assert.Throws<IdempotencyKeyInvalidException>(() => selector.Select("""{"id":1}"""));
        Assert.Equal("1:2,2:ab,", selector.Select("""{"id":"ab"}""").Key);
    }
}
