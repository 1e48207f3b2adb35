namespace Idempotency.JmesPath.Tests;

public sealed class JmesPathKeySelectorFingerprintTests
{
    private const string AmountAndCurrency = "XxkRH7vHSw0TEHTQOziaASX-ofnW8AFTLa1VXcV8qK8";

    private readonly JmesPathKeySelector _selector = new("body.orderId", "body.{currency: currency, amount: amount}");

    [Fact]
    public void Select_Fingerprint_IsCanonicalJsonHashOfSelection()
    {
        var fingerprint = _selector.Select("""{"body":{"orderId":"o-1","amount":10,"currency":"EUR"}}""").Fingerprint;

        Assert.Equal(AmountAndCurrency, fingerprint);
        Assert.Equal(ContentHash.ComputeCanonicalJson("""{"amount":10,"currency":"EUR"}"""u8), fingerprint);
    }

    [Theory]
    [InlineData("""{"body":{"currency":"EUR","amount":10,"orderId":"o-1"}}""")]
    [InlineData("""{ "body" : { "orderId" : "o-1" ,  "amount" : 10 , "currency" : "EUR" } }""")]
    [InlineData("""{"body":{"orderId":"o-1","amount":10.0,"currency":"EUR"}}""")]
    [InlineData("""{"body":{"orderId":"o-1","amount":1e1,"currency":"\u0045UR"}}""")]
    [InlineData("""{"receivedAt":"2024-05-01T00:00:00Z","body":{"orderId":"o-1","amount":10,"currency":"EUR","note":"ignored"}}""")]
    public void Select_OrderWhitespaceSpellingOrUnselectedFieldsChange_SameFingerprint(string payload)
    {
        var selection = _selector.Select(payload);

        Assert.Equal("o-1", selection.Key);
        Assert.Equal(AmountAndCurrency, selection.Fingerprint);
    }

    [Theory]
    [InlineData("""{"body":{"orderId":"o-1","amount":11,"currency":"EUR"}}""")]
    [InlineData("""{"body":{"orderId":"o-1","amount":10,"currency":"USD"}}""")]
    [InlineData("""{"body":{"orderId":"o-1","amount":"10","currency":"EUR"}}""")]
    [InlineData("""{"body":{"orderId":"o-1","currency":"EUR"}}""")]
    public void Select_SelectedValueChanges_DifferentFingerprint(string payload)
    {
        var selection = _selector.Select(payload);

        Assert.Equal("o-1", selection.Key);
        Assert.NotEqual(AmountAndCurrency, selection.Fingerprint);
    }

    [Fact]
    public void Select_FingerprintOfWholePayload_IgnoresOrderAndWhitespace()
    {
        var selector = new JmesPathKeySelector("id", "@");

        var first = selector.Select("""{"id":"k","a":[1,2],"b":{"c":true}}""").Fingerprint;
        var second = selector.Select(""" { "b" : { "c" : true }, "a" : [ 1, 2.0 ], "id" : "k" } """).Fingerprint;

        Assert.Equal(ContentHash.ComputeCanonicalJson("""{"a":[1,2],"b":{"c":true},"id":"k"}"""u8), first);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Select_FingerprintSelectsNothing_HashOfNull()
    {
        var fingerprint = new JmesPathKeySelector("id", "missing").Select("""{"id":"k"}""").Fingerprint;

        Assert.Equal(ContentHash.ComputeCanonicalJson("null"u8), fingerprint);
    }

    [Fact]
    public void Select_FingerprintFromEmbeddedJson_IgnoresEmbeddedFormatting()
    {
        var selector = new JmesPathKeySelector("from_json(body).orderId", "from_json(body).[amount, currency]");

        var first = selector.Select("""{"body":"{\"orderId\":\"o-1\",\"amount\":10,\"currency\":\"EUR\"}"}""");
        var second = selector.Select("""{"body":"{ \"currency\": \"EUR\", \"amount\": 10.00, \"orderId\": \"o-1\" }"}""");

        Assert.Equal("17Sf6UaAsT7rTNCw8zsXr2iqn84EBvUI4_tSbxTj018", first.Fingerprint);
        Assert.Equal(first, second);
    }
}
