using System.Text;

namespace Idempotency.JmesPath.Tests;

public sealed class JmesPathKeySelectorKeyTests
{
    [Fact]
    public void Select_SimplePath_ReturnsStringAsIs()
    {
        var selection = new JmesPathKeySelector("orderId").Select("""{"orderId":"o-1","amount":5}""");

        Assert.Equal("o-1", selection.Key);
        Assert.True(selection.HasKey);
        Assert.Null(selection.Fingerprint);
    }

    [Fact]
    public void Select_NestedPath_ReturnsNestedString()
    {
        var selection = new JmesPathKeySelector("body.order.id").Select("""{"body":{"order":{"id":"o-42"}}}""");

        Assert.Equal("o-42", selection.Key);
    }

    [Fact]
    public void Select_IndexedPathInQueueEnvelope_ReturnsFirstRecordsField()
    {
        var payload = """{"Records":[{"body":{"transactionId":"t-1"}},{"body":{"transactionId":"t-2"}}]}""";

        Assert.Equal("t-1", new JmesPathKeySelector("Records[0].body.transactionId").Select(payload).Key);
    }

    // Found by fuzzing (test/Idempotency.PropertyTests): a whole number written with a fraction or an exponent was read
    // as a double, so beyond 2^53 it selected another key than the same number written as an integer.
    [Theory]
    [InlineData("12345678901234567890123")]
    [InlineData("1.2345678901234567890123e22")]
    [InlineData("123456789012345678901.23E2")]
    [InlineData("12345678901234567890123.000")]
    public void Select_LargeWholeNumberInAnySpelling_IsOneKey(string spelling) =>
        Assert.Equal("1.2345678901234567890123e+22", new JmesPathKeySelector("id").Select($$"""{"id":{{spelling}}}""").Key);

    // Found by fuzzing: an integer of a million digits (a 1 MB payload) took two minutes of CPU to select, parsing and
    // printing it growing with the square of its length. Numbers keep their literal, so reading is linear and exact.
    [Theory]
    [InlineData(310)]
    [InlineData(1_000_000)]
    public void Select_IntegerBeyondTheRangeOfADouble_ReadExactlyInLinearTime(int digits)
    {
        var digitsText = new string('7', digits);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var plain = new JmesPathKeySelector("[id]", "@").Select(Encoding.ASCII.GetBytes("{\"id\":" + digitsText + "}"));
        var withFraction = new JmesPathKeySelector("[id]", "@").Select(Encoding.ASCII.GetBytes("{\"id\":" + digitsText + ".0}"));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.Equal(plain.Key, withFraction.Key);
        Assert.Equal(plain.Fingerprint, withFraction.Fingerprint);
    }

    [Fact]
    public void Select_IntegerOf309Digits_KeepsEveryDigit() =>
        Assert.Equal(
            new JmesPathKeySelector("[id]").Select("{\"id\":" + new string('9', 309) + "}").Key,
            new JmesPathKeySelector("[id]").Select("{\"id\":" + new string('9', 308) + "9.0e0}").Key);

    [Fact]
    public void Select_Utf8Bytes_SameAsString()
    {
        var selector = new JmesPathKeySelector("body.orderId");

        Assert.Equal("o-1", selector.Select("""{"body":{"orderId":"o-1"}}"""u8).Key);
    }

    [Fact]
    public void Select_EmbeddedJsonBody_FromJsonParsesIt()
    {
        var payload = """{"httpMethod":"POST","body":"{\"orderId\":\"o-7\",\"amount\":12}"}""";

        Assert.Equal("o-7", new JmesPathKeySelector("from_json(body).orderId").Select(payload).Key);
    }

    [Fact]
    public void Select_EmbeddedJsonInsideRecords_FromJsonParsesIt()
    {
        var payload = """{"Records":[{"messageId":"m-1","body":"{\"transactionId\":\"t-9\"}"}]}""";

        Assert.Equal("t-9", new JmesPathKeySelector("from_json(Records[0].body).transactionId").Select(payload).Key);
    }

    [Fact]
    public void Select_FromJsonOnAlreadyParsedBody_ReturnsItUnchanged()
    {
        var payload = """{"body":{"orderId":"o-8"}}""";

        Assert.Equal("o-8", new JmesPathKeySelector("from_json(body).orderId").Select(payload).Key);
    }

    [Fact]
    public void Select_FromJsonOnNullBody_SelectsNoKey()
    {
        Assert.Null(new JmesPathKeySelector("from_json(body).orderId").Select("""{"body":null}""").Key);
    }

    [Fact]
    public void Select_Base64EncodedBody_FromBase64ThenFromJson()
    {
        var body = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"orderId":"o-9"}"""));

        var selection = new JmesPathKeySelector("from_json(from_base64(body)).orderId").Select($$"""{"isBase64Encoded":true,"body":"{{body}}"}""");

        Assert.Equal("o-9", selection.Key);
    }

    [Fact]
    public void Select_MultiSelect_ReturnsCompositeKey()
    {
        var selection = new JmesPathKeySelector("[body.userId, body.orderId]").Select("""{"body":{"orderId":"o1","userId":"u1"}}""");

        Assert.Equal("2:u1,2:o1,", selection.Key);
        Assert.Equal(IdempotencyKeys.Composite("u1", "o1"), selection.Key);
    }

    [Fact]
    public void Select_MultiSelectPartsContainingSeparators_StayUnambiguous()
    {
        var selector = new JmesPathKeySelector("[a, b]");

        var first = selector.Select("""{"a":"a:b","b":"c"}""").Key;
        var second = selector.Select("""{"a":"a","b":"b:c"}""").Key;

        Assert.Equal("3:a:b,1:c,", first);
        Assert.Equal("1:a,3:b:c,", second);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Select_MultiSelectWithOneMissingPart_EncodesNullApartFromEmpty()
    {
        var selector = new JmesPathKeySelector("[a, b]");

        Assert.Equal("1:x,~,", selector.Select("""{"a":"x"}""").Key);
        Assert.Equal("1:x,0:,", selector.Select("""{"a":"x","b":""}""").Key);
    }

    [Fact]
    public void Select_MultiSelectWithNumberAndArray_UsesCanonicalJsonForNonStrings()
    {
        Assert.Equal("1:1,5:[1,2],", new JmesPathKeySelector("[a, b]").Select("""{"a":1.0,"b":[1, 2]}""").Key);
    }

    [Theory]
    [InlineData("orderId", """{}""")]
    [InlineData("orderId", """{"orderId":null}""")]
    [InlineData("orderId", """{"orderId":""}""")]
    [InlineData("items", """{"items":[]}""")]
    [InlineData("o", """{"o":{}}""")]
    [InlineData("[a, b]", """{}""")]
    [InlineData("[a, b]", """{"a":null,"b":""}""")]
    [InlineData("{x: a, y: b}", """{"c":1}""")]
    [InlineData("items[*].id", """{"items":[{"n":1},{"n":2}]}""")]
    [InlineData("orderId", "")]
    [InlineData("from_json(body).orderId", """{"body":""}""")]
    [InlineData("from_json(from_base64(body)).orderId", """{"body":null}""")]
    public void Select_NothingSelected_NoKey(string expression, string payload)
    {
        var selection = new JmesPathKeySelector(expression).Select(payload);

        Assert.Null(selection.Key);
        Assert.False(selection.HasKey);
    }

    [Theory]
    [InlineData("""{"id":42}""", "42")]
    [InlineData("""{"id":-7}""", "-7")]
    [InlineData("""{"id":4.50}""", "4.5")]
    [InlineData("""{"id":1e2}""", "100")]
    [InlineData("""{"id":100.0}""", "100")]
    [InlineData("""{"id":123456789012345678901234567890}""", "1.2345678901234567890123456789e+29")]
    [InlineData("""{"id":true}""", "true")]
    [InlineData("""{"id":false}""", "false")]
    public void Select_NumberOrBooleanKey_ReturnsCanonicalText(string payload, string expected)
    {
        Assert.Equal(expected, new JmesPathKeySelector("id").Select(payload).Key);
    }

    [Fact]
    public void Select_ObjectKey_ReturnsCanonicalJsonText()
    {
        var selector = new JmesPathKeySelector("a");

        Assert.Equal("""{"x":1,"y":"z"}""", selector.Select("""{"a":{ "y" : "z", "x" : 1.0 }}""").Key);
    }

    [Fact]
    public void Select_MultiSelectHash_ReturnsCanonicalJsonText()
    {
        Assert.Equal("""{"o":"o1","u":"u1"}""", new JmesPathKeySelector("{u: userId, o: orderId}").Select("""{"orderId":"o1","userId":"u1"}""").Key);
    }

    [Fact]
    public void Select_DerivedKeyLongerThanLimit_ReplacedByHash()
    {
        var part = new string('x', 200);

        var key = new JmesPathKeySelector("[a]").Select($$"""{"a":"{{part}}"}""").Key;

        Assert.Equal("sha256:posj2xNPTB2FdwNpYXhlvPtZ9QVJ4FXE7FkTI6NgqtI", key);
        Assert.Equal(JmesPathKeySelector.HashedKeyPrefix + ContentHash.Compute(Encoding.UTF8.GetBytes(IdempotencyKeys.Composite(part))), key);
    }

    [Fact]
    public void Select_DerivedKeyWithNonAscii_ReplacedByHash()
    {
        var key = new JmesPathKeySelector("[a]").Select("""{"a":"Zo\u00eb"}""").Key;

        Assert.Equal(JmesPathKeySelector.HashedKeyPrefix + ContentHash.Compute(Encoding.UTF8.GetBytes("3:Zoë,")), key);
    }

    [Fact]
    public void Select_DerivedKeyAtLimit_KeptAsTextAndOneMoreIsHashed()
    {
        // "123:" + 123 characters + "," is exactly 128 characters.
        var part = new string('y', 123);

        Assert.Equal($"123:{part},", new JmesPathKeySelector("[a]").Select($$"""{"a":"{{part}}"}""").Key);
        Assert.StartsWith(JmesPathKeySelector.HashedKeyPrefix, new JmesPathKeySelector("[a]").Select($$"""{"a":"{{part}}z"}""").Key, StringComparison.Ordinal);
    }

    [Fact]
    public void Select_LongStringKey_UsedAsIs()
    {
        var value = new string('k', 300);

        Assert.Equal(value, new JmesPathKeySelector("a").Select($$"""{"a":"{{value}}"}""").Key);
    }

    [Fact]
    public void Select_DateLikeAndEscapedStrings_KeptExactly()
    {
        var selector = new JmesPathKeySelector("d");

        Assert.Equal("2024-01-02T03:04:05Z", selector.Select("""{"d":"2024-01-02T03:04:05Z"}""").Key);
        Assert.Equal("a\"b/c", selector.Select("""{"d":"a\"b\/c"}""").Key);
    }

    [Fact]
    public void Select_RepeatedPropertyName_LastOneWins()
    {
        Assert.Equal("second", new JmesPathKeySelector("a").Select("""{"a":"first","a":"second"}""").Key);
    }

    [Fact]
    public void Select_RootReferenceAndLet_Supported()
    {
        var payload = """{"body":{"userId":"u1","orderId":"o1"}}""";

        Assert.Equal("2:u1,2:o1,", new JmesPathKeySelector("[body.userId, $.body.orderId]").Select(payload).Key);
        Assert.Equal("2:u1,2:o1,", new JmesPathKeySelector("let $u = body.userId in [$u, body.orderId]").Select(payload).Key);
    }

    [Fact]
    public void CreateRequest_SetsOperationKeyAndFingerprint()
    {
        var selector = new JmesPathKeySelector("orderId", "[amount, currency]");

        var request = selector.CreateRequest("orders.create", """{"orderId":"o-1","amount":10,"currency":"EUR"}""") with { Scope = "tenant-1" };

        Assert.Equal("orders.create", request.Operation);
        Assert.Equal("o-1", request.Key);
        Assert.Equal("17Sf6UaAsT7rTNCw8zsXr2iqn84EBvUI4_tSbxTj018", request.Fingerprint);
        Assert.Equal("tenant-1", request.Scope);
        Assert.Null(request.Policy);
    }

    [Fact]
    public void CreateRequest_NoKeySelected_KeyIsNull()
    {
        var request = new JmesPathKeySelector("orderId").CreateRequest("orders.create", """{"amount":10}"""u8);

        Assert.Equal("orders.create", request.Operation);
        Assert.Null(request.Key);
        Assert.Null(request.Fingerprint);
    }

    [Fact]
    public void Properties_ReturnExpressions()
    {
        var selector = new JmesPathKeySelector("a.b", "c");

        Assert.Equal("a.b", selector.KeyExpression);
        Assert.Equal("c", selector.FingerprintExpression);
        Assert.Null(new JmesPathKeySelector("a").FingerprintExpression);
    }
}
