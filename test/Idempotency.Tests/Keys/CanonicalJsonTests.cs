using System.Text;
using System.Text.Json;

namespace Idempotency.Tests.Keys;

// SPEC §3.13: the canonical-JSON content hash. The expected strings and hashes below are fixed golden vectors,
// computed independently of this library (SHA-256 of the UTF-8 canonical text, base64url without padding).
public sealed class CanonicalJsonTests
{
    public static TheoryData<string, string, string> GoldenVectors => new()
    {
        {
            " { \"b\" : 1,  \"a\" : [ true , false , null ],\r\n\t \"c\" : { \"z\" : \"x\", \"y\" : { } } } ",
            """{"a":[true,false,null],"b":1,"c":{"y":{},"z":"x"}}""",
            "nDHZz8-vjo2yFFg9TY6P_3DhiUb6Y4WCZBITSg4ZKUY"
        },
        {
            "[1, 1.0, 1e0, 10E-1, 1.50e1, -0, -0.0, 0.000001, 1e-7, 1e21, 1e20, 100, -1.5E+3, 123.456e-2, 0.1]",
            "[1,1,1,1,15,0,0,0.000001,1e-7,1e+21,100000000000000000000,100,-1500,1.23456,0.1]",
            "h9ljPwHy0um9U-VJ60eQCOgF46huzX19wavPtyhufQw"
        },
        {
            "[9007199254740993, 12345678901234567890123, -98765432109876543210]",
            "[9007199254740993,1.2345678901234567890123e+22,-98765432109876543210]",
            "NYMQ3_8Ts9SKQ-Y2IiPcy7aialTn6eR475uJXt38-R4"
        },
        {
            """["\u00e9", "é", "\/", "\u0041", "\"\\", "\b\f\n\r\t", "\u001F", "\u2028", "<>&", "\ud83d\ude00"]""",
            "[\"é\",\"é\",\"/\",\"A\",\"\\\"\\\\\",\"\\b\\f\\n\\r\\t\",\"\\u001f\",\"\u2028\",\"<>&\",\"\U0001F600\"]",
            "C52ryibHF9IqigVU0qjBa-QIuO9qmFdpslhwARirg7M"
        },
        {
            // Sorted by UTF-16 code units: U+1F600 (surrogates D83D DE00) sorts before U+FB01, unlike code point order.
            """{"\uFB01":6, "\uD83D\uDE00":5, "\u00e9":4, "b":3, "a":2, "B":1}""",
            "{\"B\":1,\"a\":2,\"b\":3,\"é\":4,\"\U0001F600\":5,\"\uFB01\":6}",
            "NDcIPGkTLvWL2cWHpoUbRg5RT2jl7Qkvb25P9R9A11w"
        },
        {
            """{"outer":[{"b":[2,{"d":1,"c":0}],"a":null},[[]],{}]}""",
            """{"outer":[{"a":null,"b":[2,{"c":0,"d":1}]},[[]],{}]}""",
            "ZCNPREJeOKYmexwZR1L9allftAaRRHZkbT6-S8ofmx8"
        },
        {
            "  42.0 ",
            "42",
            "c0dctApWjo2ooEXO0RATfhWfiQrE2og7axfcZRs6gEk"
        },
    };

    public static TheoryData<string> InvalidJson =>
    [
        "",
        "   ",
        "{",
        """{"a":1}x""",
        """{"a":1} {"b":2}""",
        "[1,]",
        """{"a":1,}""",
        "{'a':1}",
        "NaN",
        "01",
        "1.",
        ".5",
        "+1",
        "/* comment */ 1",
        "\"raw\ttab\"",
        """{"a" 1}""",
    ];

    [Theory]
    [MemberData(nameof(GoldenVectors))]
    public void CanonicalizeJson_GoldenVector_ProducesExpectedText(string input, string canonical, string hash)
    {
        var output = ContentHash.CanonicalizeJson(Encoding.UTF8.GetBytes(input));

        Assert.Equal(canonical, Encoding.UTF8.GetString(output));
        Assert.Equal(hash, ContentHash.Compute(output));
    }

    [Theory]
    [MemberData(nameof(GoldenVectors))]
    public void ComputeCanonicalJson_GoldenVector_ProducesExpectedHash(string input, string canonical, string hash)
    {
        Assert.Equal(hash, ContentHash.ComputeCanonicalJson(Encoding.UTF8.GetBytes(input)));
        Assert.Equal(hash, ContentHash.ComputeCanonicalJson(Encoding.UTF8.GetBytes(canonical)));
    }

    [Fact]
    public void ComputeCanonicalJson_ExcludedTopLevelProperty_IsLeftOutOnlyAtTopLevel()
    {
        var hash = ContentHash.ComputeCanonicalJson("""{"timestamp":"2025-01-01T00:00:00Z","id":1,"nested":{"timestamp":"x"}}"""u8, "timestamp");

        Assert.Equal("D050yGGYQ1XE4_cr68SDfJB2C1aNpyll_GpK1xLf4ZU", hash);
        Assert.Equal(ContentHash.ComputeCanonicalJson("""{"nested":{"timestamp":"x"},"id":1}"""u8), hash);
        Assert.Equal(hash, ContentHash.ComputeCanonicalJson("""{"id":1,"nested":{"timestamp":"x"},"timestamp":"2030-12-31"}"""u8, "timestamp"));
    }

    [Fact]
    public void ComputeCanonicalJson_SeveralExcludedProperties_LeavesThemAllOut()
    {
        Assert.Equal(
            ContentHash.ComputeCanonicalJson("""{"id":1}"""u8),
            ContentHash.ComputeCanonicalJson("""{"id":1,"requestId":"r-9","sentAt":12}"""u8, "requestId", "sentAt"));
    }

    [Theory]
    [InlineData("""{"a":1,"b":"é"}""", """ { "b" : "\u00e9", "a" : 1.0 } """)]
    [InlineData("[1e2]", "[100.000]")]
    [InlineData("""{"x":{"b":[1,2],"a":{}}}""", """{"x":{"a":{},"b":[1.0,2e0]}}""")]
    [InlineData("[1e400]", "[10e399]")]
    [InlineData("[1e400]", "[0.0001e404]")]
    [InlineData("[-1e-400]", "[-100E-402]")]
    [InlineData("[0e99999999999]", "[0]")]
    [InlineData("[1e000000000000000000000000001]", "[10]")]
    public void ComputeCanonicalJson_EquivalentDocuments_HashEqually(string left, string right)
    {
        Assert.Equal(ContentHash.ComputeCanonicalJson(Encoding.UTF8.GetBytes(left)), ContentHash.ComputeCanonicalJson(Encoding.UTF8.GetBytes(right)));
    }

    [Theory]
    [InlineData("""{"a":1}""", """{"a":"1"}""")]
    [InlineData("[1,2]", "[2,1]")]
    [InlineData("""{"a":null}""", "{}")]
    [InlineData("9007199254740993", "9007199254740992")]
    [InlineData("12345678901234567890123", "12345678901234567890124")]
    [InlineData("1e400", "1e401")]
    [InlineData("""{"a":{"b":1}}""", """{"a":{"B":1}}""")]
    [InlineData("\"a\"", "\"a \"")]
    public void ComputeCanonicalJson_DifferentDocuments_HashDifferently(string left, string right)
    {
        Assert.NotEqual(ContentHash.ComputeCanonicalJson(Encoding.UTF8.GetBytes(left)), ContentHash.ComputeCanonicalJson(Encoding.UTF8.GetBytes(right)));
    }

    [Theory]
    [MemberData(nameof(InvalidJson))]
    public void ComputeCanonicalJson_InvalidJson_ThrowsJsonException(string input)
    {
        Assert.ThrowsAny<JsonException>(() => ContentHash.ComputeCanonicalJson(Encoding.UTF8.GetBytes(input)));
        Assert.ThrowsAny<JsonException>(() => ContentHash.CanonicalizeJson(Encoding.UTF8.GetBytes(input)));
    }

    [Theory]
    [InlineData("1e999999", "1e+999999")]
    [InlineData("0.1e1000000", "1e+999999")]
    [InlineData("-12.5e999998", "-1.25e+999999")]
    [InlineData("1e-999999", "1e-999999")]
    [InlineData("10e-1000000", "1e-999999")]
    [InlineData("1e400", "1e+400")]
    public void CanonicalizeJson_ExponentWithinBound_IsExact(string input, string canonical)
    {
        Assert.Equal(canonical, Encoding.UTF8.GetString(ContentHash.CanonicalizeJson(Encoding.UTF8.GetBytes(input))));
    }

    // A few bytes once cost an OverflowException (int exponent) or a 2 GB run of zeros (wrapped exponent arithmetic).
    // The bound is on the value (scientific exponent within ±999999), so every spelling beyond it is refused alike.
    [Theory]
    [InlineData("[1e99999999999]")]
    [InlineData("[1e-2147483648]")]
    [InlineData("[1e2147483647]")]
    [InlineData("[1e2147483648]")]
    [InlineData("[-1E+2147483647]")]
    [InlineData("[0.5e-2147483648]")]
    [InlineData("[10e2147483647]")]
    [InlineData("[1e-99999999999999999999999999999999999999999]")]
    [InlineData("""{"a":1e1000000}""")]
    [InlineData("[10e999999]")]
    [InlineData("[1e-1000000]")]
    [InlineData("[0.1e-999999]")]
    public void ComputeCanonicalJson_ExponentBeyondBound_ThrowsJsonExceptionInBoundedMemory(string input)
    {
        var utf8 = Encoding.UTF8.GetBytes(input);
        Assert.ThrowsAny<JsonException>(() => ContentHash.CanonicalizeJson(utf8)); // warm-up (JIT, pools)

        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.ThrowsAny<JsonException>(() => ContentHash.ComputeCanonicalJson(utf8));
        Assert.ThrowsAny<JsonException>(() => ContentHash.CanonicalizeJson(utf8));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 256 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void ComputeCanonicalJson_LoneSurrogateEscape_ThrowsJsonException()
    {
        Assert.ThrowsAny<JsonException>(() => ContentHash.ComputeCanonicalJson("""["\ud800"]"""u8));
    }

    [Fact]
    public void ComputeCanonicalJson_InvalidUtf8_ThrowsJsonException()
    {
        Assert.ThrowsAny<JsonException>(() => ContentHash.ComputeCanonicalJson([(byte)'"', 0xC3, 0x28, (byte)'"']));
    }

    [Fact]
    public void ComputeCanonicalJson_DeeplyNestedWithinLimit_Works()
    {
        var json = new string('[', 60) + new string(']', 60);

        Assert.Equal(json, Encoding.UTF8.GetString(ContentHash.CanonicalizeJson(Encoding.UTF8.GetBytes(json))));
    }

    [Fact]
    public void Compute_KnownSha256Vectors_AreBase64Url()
    {
        Assert.Equal("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0", ContentHash.Compute("abc"u8));
        Assert.Equal("47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU", ContentHash.Compute([]));
        Assert.Equal(43, ContentHash.Compute("anything"u8).Length);
    }
}
