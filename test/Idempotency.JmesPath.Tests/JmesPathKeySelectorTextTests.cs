using System.Text;

namespace Idempotency.JmesPath.Tests;

/// <summary>Text that is not Unicode, and nesting the canonical form cannot hold, are refused with a reason that says so.</summary>
public sealed class JmesPathKeySelectorTextTests
{
    // Built here, not passed as test data: the test runner's serialization would replace the surrogates itself.
    [Theory]
    [InlineData(0xD800, false)]
    [InlineData(0xDBFF, false)]
    [InlineData(0xDC00, true)]
    public void Select_StringPayloadWithLoneSurrogate_ThrowsKeyInvalid(int surrogate, bool followedByText)
    {
        var id = "a" + (char)surrogate + (followedByText ? "b" : string.Empty);
        var payload = "{\"k\":\"o-1\",\"id\":\"" + id + "\"}";

        var key = Assert.Throws<IdempotencyKeyInvalidException>(() => new JmesPathKeySelector("id").Select(payload));
        var unselected = Assert.Throws<IdempotencyKeyInvalidException>(() => new JmesPathKeySelector("k", "k").Select(payload));

        Assert.Equal("the payload is not valid Unicode text (it holds a lone surrogate).", key.Reason);
        Assert.Equal(key.Reason, unselected.Reason);
    }

    [Fact]
    public void Select_ReplacementCharacterAndSurrogatePair_AreOrdinaryText()
    {
        var selector = new JmesPathKeySelector("k", "id");

        var replacement = selector.Select("{\"k\":\"o-1\",\"id\":\"a\uFFFD\"}").Fingerprint;
        var pair = selector.Select("{\"k\":\"o-1\",\"id\":\"a\uD83D\uDE00\"}").Fingerprint;

        Assert.Equal(ContentHash.ComputeCanonicalJson(Encoding.UTF8.GetBytes("\"a\uFFFD\"")), replacement);
        Assert.Equal(ContentHash.ComputeCanonicalJson(Encoding.UTF8.GetBytes("\"a\uD83D\uDE00\"")), pair);
    }

    [Fact]
    public void Select_LoneSurrogateInsideFromJsonString_ThrowsKeyInvalid()
    {
        var ex = Assert.Throws<IdempotencyKeyInvalidException>(() => new JmesPathKeySelector("from_json(body).id").Select("""{"body":"{\"id\":\"\\ud800\"}"}"""));

        Assert.StartsWith("the payload holds a string passed to from_json that is not valid UTF-8 JSON", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Select_FingerprintOfSixtyFourDeepPayload_Works()
    {
        var payload = Nested(64);

        Assert.Equal(ContentHash.ComputeCanonicalJson(Encoding.UTF8.GetBytes(payload)), new JmesPathKeySelector("[`1`]", "@").Select(payload).Fingerprint);
    }

    [Theory]
    [InlineData("[@]", "fingerprint")]
    [InlineData("{x: @}", "fingerprint")]
    public void Select_SelectionNestedDeeperThanSixtyFour_SaysTooDeep(string expression, string role)
    {
        var ex = Assert.Throws<IdempotencyKeyInvalidException>(() => new JmesPathKeySelector("[`1`]", expression).Select(Nested(64)));

        Assert.Equal($"the {role} expression selected a value nested deeper than 64 levels.", ex.Reason);
    }

    [Fact]
    public void Select_KeySelectionNestedDeeperThanSixtyFour_SaysTooDeep()
    {
        var ex = Assert.Throws<IdempotencyKeyInvalidException>(() => new JmesPathKeySelector("{x: @}").Select(Nested(64)));

        Assert.Equal("the key expression selected a value nested deeper than 64 levels.", ex.Reason);
    }

    private static string Nested(int depth) => new string('[', depth) + "1" + new string(']', depth);
}
