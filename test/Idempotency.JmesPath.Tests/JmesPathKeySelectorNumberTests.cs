using System.Diagnostics;
using System.Text;

namespace Idempotency.JmesPath.Tests;

/// <summary>Numbers reach keys and fingerprints through the core's exact canonical numbers, whatever their spelling or size.</summary>
public sealed class JmesPathKeySelectorNumberTests
{
    // Generous for a loaded machine: the quadratic reading this guards against took 96 s for one 1 000 000-digit literal.
    private static readonly TimeSpan LinearBudget = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData("9007199254740993", "9007199254740993")]
    [InlineData("9007199254740993.0", "9007199254740993")]
    [InlineData("90071992547409930e-1", "9007199254740993")]
    [InlineData("9007199254740992.0", "9007199254740992")]
    [InlineData("12345678901234567890", "12345678901234567890")]
    [InlineData("12345678901234567890.0", "12345678901234567890")]
    [InlineData("1.2345678901234567890e19", "12345678901234567890")]
    [InlineData("12345678901234567891.0", "12345678901234567891")]
    [InlineData("0.10000000000000001", "0.10000000000000001")]
    [InlineData("0.1", "0.1")]
    [InlineData("1E-400", "1e-400")]
    [InlineData("1e400", "1e+400")]
    [InlineData("-0.0", "0")]
    public void Select_NumberKey_IsTheExactCanonicalNumber(string literal, string key)
    {
        Assert.Equal(key, new JmesPathKeySelector("id").Select($$"""{"id":{{literal}}}""").Key);
    }

    [Theory]
    [InlineData("12345678901234567890", "1.2345678901234567890e19")]
    [InlineData("9007199254740993", "9007199254740993.0")]
    [InlineData("1e400", "10e399")]
    public void Select_NumberSpellings_SameFingerprintAsTheCore(string literal, string otherSpelling)
    {
        var selector = new JmesPathKeySelector("k", "@");
        var payload = $$"""{"k":"o-1","amount":{{literal}}}""";

        var fingerprint = selector.Select(payload).Fingerprint;

        Assert.Equal(ContentHash.ComputeCanonicalJson(Encoding.UTF8.GetBytes(payload)), fingerprint);
        Assert.Equal(fingerprint, selector.Select($$"""{"k":"o-1","amount":{{otherSpelling}}}""").Fingerprint);
    }

    [Theory]
    [InlineData("9007199254740992.0")]
    [InlineData("9007199254740994")]
    public void Select_NeighbouringNumbersBeyondDoublePrecision_DifferentFingerprints(string neighbour)
    {
        var selector = new JmesPathKeySelector("k", "amount");

        Assert.NotEqual(selector.Select("""{"k":"o-1","amount":9007199254740993.0}""").Fingerprint, selector.Select($$"""{"k":"o-1","amount":{{neighbour}}}""").Fingerprint);
    }

    [Theory]
    [InlineData("a.n")]
    [InlineData("[a.n][0]")]
    [InlineData("{x: a.n}.x")]
    [InlineData("items[*].n | [0]")]
    [InlineData("items[?n > `0`].n | [0]")]
    [InlineData("items[0].n")]
    [InlineData("items[-1:].n | [0]")]
    [InlineData("items[].n | [0]")]
    [InlineData("max_by(items, &n).n")]
    [InlineData("sort_by(items, &n)[0].n")]
    [InlineData("to_array(a.n)[0]")]
    [InlineData("not_null(missing, a.n)")]
    [InlineData("values(a)[0]")]
    [InlineData("merge(a, `{}`).n")]
    [InlineData("from_json(body).n")]
    [InlineData("$.a.n")]
    [InlineData("let $x = a.n in $x")]
    [InlineData("missing || a.n")]
    [InlineData("*.n | [0]")]
    [InlineData("reverse(items[*].n) | [0]")]
    [InlineData("to_number(a.n)")]
    [InlineData("map(&n, items) | [0]")]
    public void Select_NumberThroughAnyExpressionForm_KeepsEveryDigit(string expression)
    {
        var payload = """{"a":{"n":12345678901234567891.0},"items":[{"n":12345678901234567891.0}],"body":"{\"n\":12345678901234567891.0}"}""";

        Assert.Equal("12345678901234567891", new JmesPathKeySelector(expression).Select(payload).Key);
    }

    [Fact]
    public void Select_NumberInComposite_KeepsEveryDigit()
    {
        var key = new JmesPathKeySelector("[a, b]").Select("""{"a":"u1","b":9007199254740993.0}""").Key;

        Assert.Equal("2:u1,16:9007199254740993,", key);
    }

    [Fact]
    public void Select_NumberComparisonsStillWork()
    {
        var selector = new JmesPathKeySelector("items[?n > `1.5`].id | [0]");

        Assert.Equal("b", selector.Select("""{"items":[{"id":"a","n":1.25},{"id":"b","n":2.5e0}]}""").Key);
    }

    [Fact]
    public void Select_NumberBeyondTheCoreRange_ThrowsKeyInvalidOnlyWhenSelected()
    {
        var payload = """{"id":"o-1","n":1e1000000}""";

        Assert.Equal("o-1", new JmesPathKeySelector("id").Select(payload).Key);
        var ex = Assert.Throws<IdempotencyKeyInvalidException>(() => new JmesPathKeySelector("id", "n").Select(payload));
        Assert.Equal("the fingerprint expression selected a number out of the supported range (a decimal exponent beyond ±999999).", ex.Reason);
    }

    [Fact]
    public void Select_FunctionComputingInfinity_ThrowsKeyInvalid()
    {
        // 1e400 is kept exactly when selected, but a function computes on its double value, which is infinite.
        var selector = new JmesPathKeySelector("id", "abs(n)");

        var ex = Assert.Throws<IdempotencyKeyInvalidException>(() => selector.Select("""{"id":"o-1","n":1e400}"""));

        Assert.Equal("the fingerprint expression selected a number JSON cannot represent (NaN or infinity).", ex.Reason);
    }

    [Theory]
    [InlineData("max(items[*].n)")]
    [InlineData("sort(items[*].n) | [0]")]
    [InlineData("abs(a.n)")]
    public void Select_NumberComputedByAFunction_IsTheDoubleResult(string expression)
    {
        var payload = """{"a":{"n":12345678901234567891.0},"items":[{"n":12345678901234567891.0}]}""";

        Assert.Equal("12345678901234567000", new JmesPathKeySelector(expression).Select(payload).Key);
    }

    [Fact]
    public void Select_MillionDigitIntegerUnselected_CostsLinearTime()
    {
        var payload = $$"""{"id":"o-1","pad":{{new string('7', 1_000_000)}}}""";

        var elapsed = Measure(() => Assert.Equal("o-1", new JmesPathKeySelector("id").Select(payload).Key));

        Assert.True(elapsed < LinearBudget, $"took {elapsed}");
    }

    [Fact]
    public void Select_MillionDigitIntegerFingerprinted_CostsLinearTimeAndMatchesTheCore()
    {
        var body = $$"""{"id":"o-1","pad":{{new string('7', 1_000_000)}}}""";
        var envelope = $$"""{"body":{{System.Text.Json.JsonSerializer.Serialize(body)}}}""";
        string? whole = null, embedded = null;

        var elapsed = Measure(() =>
        {
            whole = new JmesPathKeySelector("id", "@").Select(body).Fingerprint;
            embedded = new JmesPathKeySelector("from_json(body).id", "from_json(body)").Select(envelope).Fingerprint;
        });

        Assert.True(elapsed < LinearBudget, $"took {elapsed}");
        Assert.Equal(ContentHash.ComputeCanonicalJson(Encoding.UTF8.GetBytes(body)), whole);
        Assert.Equal(whole, embedded);
    }

    [Fact]
    public void Select_MillionDigitIntegerAsKey_HashedInLinearTime()
    {
        var digits = new string('7', 1_000_000);
        string? key = null;

        var elapsed = Measure(() => key = new JmesPathKeySelector("pad").Select($$"""{"pad":{{digits}}}""").Key);

        Assert.True(elapsed < LinearBudget, $"took {elapsed}");
        Assert.StartsWith(JmesPathKeySelector.HashedKeyPrefix, key, StringComparison.Ordinal);
    }

    private static TimeSpan Measure(Action action)
    {
        var started = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(started);
    }
}
