using System.Net;

namespace Idempotency.AspNetCore.Tests;

public sealed class HeaderParsingTests : IAsyncLifetime
{
    private SampleHost _host = null!;

    public async Task InitializeAsync() => _host = await SampleHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task PostOrders_NoKey_Returns400KeyMissingWithoutRunning()
    {
        var answer = await Answer.SendAsync(_host.Client, Requests.Post("/orders", key: null));

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(ProblemTypes.KeyMissing, answer.ProblemType);
        Assert.Equal((0, 0), await _host.GetRunsAsync());
    }

    [Theory]
    [InlineData("   ")]
    [InlineData("\"\"")]
    [InlineData("\"a\", \"b\"")]
    [InlineData("a,b")]
    [InlineData("a, b")]
    [InlineData("\"abc\";x=1")]
    [InlineData("abc;x=1")]
    [InlineData("\"abc")]
    [InlineData("\"ab\\c\"")]
    [InlineData("\"abc\" x")]
    [InlineData("a b")]
    [InlineData("a\"b")]
    public async Task PostOrders_MalformedKey_Returns400KeyInvalidWithoutRunning(string value)
    {
        var answer = await Answer.SendAsync(_host.Client, Requests.Post("/orders", value));

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(ProblemTypes.KeyInvalid, answer.ProblemType);
        Assert.Equal((0, 0), await _host.GetRunsAsync());
    }

    [Fact]
    public async Task PostOrders_EmptyHeaderOverKestrel_Returns400KeyInvalid()
    {
        // The in-memory test client drops empty header values; a real connection keeps them.
        await using var kestrel = await SampleHost.StartKestrelAsync();

        var answer = await Answer.SendAsync(kestrel.Client, Requests.Post("/orders", string.Empty));

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(ProblemTypes.KeyInvalid, answer.ProblemType);
        Assert.Equal((0, 0), await kestrel.GetRunsAsync());
    }

    [Fact]
    public async Task PostOrders_TwoFieldLines_Returns400KeyInvalid()
    {
        var request = Requests.Post("/orders", key: null);
        request.Headers.TryAddWithoutValidation("Idempotency-Key", ["one", "two"]);

        var answer = await Answer.SendAsync(_host.Client, request);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(ProblemTypes.KeyInvalid, answer.ProblemType);
        Assert.Contains("sent 2 times", answer.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal((0, 0), await _host.GetRunsAsync());
    }

    [Fact]
    public async Task PostOrders_TwoIdenticalFieldLines_Returns400KeyInvalid()
    {
        var request = Requests.Post("/orders", key: null);
        request.Headers.TryAddWithoutValidation("Idempotency-Key", ["same", "same"]);

        var answer = await Answer.SendAsync(_host.Client, request);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(ProblemTypes.KeyInvalid, answer.ProblemType);
    }

    [Fact]
    public async Task PostOrders_KeyLongerThan255_Returns400KeyInvalid()
    {
        var answer = await Answer.SendAsync(_host.Client, Requests.Post("/orders", new string('k', 256)));

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(ProblemTypes.KeyInvalid, answer.ProblemType);
        Assert.Equal((0, 0), await _host.GetRunsAsync());
    }

    [Fact]
    public async Task PostOrders_KeyOf255_IsAccepted()
    {
        var answer = await Answer.SendAsync(_host.Client, Requests.Post("/orders", new string('k', 255)));

        Assert.Equal(HttpStatusCode.Created, answer.Status);
    }

    [Fact]
    public async Task PostOrders_QuotedKeyWithEscapesAndSpaces_IsAcceptedAndReplayed()
    {
        const string key = "\"order 42 \\\"x\\\" \\\\ y\"";

        var first = await Answer.SendAsync(_host.Client, Requests.Post("/orders", key));
        var second = await Answer.SendAsync(_host.Client, Requests.Post("/orders", "  " + key + "  "));

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.True(second.IsReplayed);
        Assert.Equal((1, 0), await _host.GetRunsAsync());
    }

    [Fact]
    public async Task PostOrders_ProblemDetail_NeverEchoesTheKey()
    {
        const string secret = "secret-key-value";

        var answer = await Answer.SendAsync(_host.Client, Requests.Post("/orders", secret + ", other"));

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.DoesNotContain(secret, answer.Text, StringComparison.Ordinal);
    }
}
