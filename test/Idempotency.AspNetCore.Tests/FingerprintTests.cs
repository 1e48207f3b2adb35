using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Idempotency.AspNetCore.Tests;

public sealed class FingerprintTests
{
    private static Task<TestApp> StartAsync(Action<IdempotencyMiddlewareOptions>? http = null) =>
        TestApp.StartAsync(
            (app, runs) => app.MapPost("/transfers", async (HttpContext http) =>
            {
                // The handler still reads the whole body after the middleware hashed it.
                using var reader = new StreamReader(http.Request.Body);
                var body = await reader.ReadToEndAsync();
                return Results.Ok(new { run = runs.Ran("transfers"), body = body.Length <= 1000 ? body : $"{body.Length} characters" });
            }).RequireIdempotency(),
            http);

    [Fact]
    public async Task Transfers_HandlerReadsTheBodyAfterFingerprinting()
    {
        await using var app = await StartAsync();
        const string body = """{"amount":10,"to":"bob"}""";

        var answer = await app.SendAsync(Requests.Post("/transfers", "k1", body));

        Assert.Equal(body, answer.Json.GetProperty("body").GetString());
    }

    [Fact]
    public async Task Transfers_RawFingerprint_WhitespaceChangeIsAReuse()
    {
        await using var app = await StartAsync();

        await app.SendAsync(Requests.Post("/transfers", "k1", """{"amount":10,"to":"bob"}"""));
        var reordered = await app.SendAsync(Requests.Post("/transfers", "k1", """{ "to": "bob", "amount": 10 }"""));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reordered.Status);
    }

    [Fact]
    public async Task Transfers_CanonicalJsonFingerprint_IgnoresOrderWhitespaceAndNumberSpelling()
    {
        await using var app = await StartAsync(o => o.BodyFingerprint = BodyFingerprint.CanonicalJson);

        var first = await app.SendAsync(Requests.Post("/transfers", "k1", """{"amount":10,"to":"bob"}"""));
        var same = await app.SendAsync(Requests.Post("/transfers", "k1", """{ "to": "bob", "amount": 1.0e1 }"""));
        var other = await app.SendAsync(Requests.Post("/transfers", "k1", """{"amount":11,"to":"bob"}"""));

        Assert.True(same.IsReplayed);
        Assert.Equal(first.Body, same.Body);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.Status);
        Assert.Equal(1, app.Runs["transfers"]);
    }

    [Fact]
    public async Task Transfers_CanonicalJsonWithInvalidJson_FallsBackToRawBytes()
    {
        await using var app = await StartAsync(o => o.BodyFingerprint = BodyFingerprint.CanonicalJson);

        await app.SendAsync(Requests.Post("/transfers", "k1", "not json"));
        var same = await app.SendAsync(Requests.Post("/transfers", "k1", "not json"));
        var other = await app.SendAsync(Requests.Post("/transfers", "k1", "not json!"));

        Assert.True(same.IsReplayed);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.Status);
    }

    [Fact]
    public async Task Transfers_CanonicalJsonWithHugeExponent_FallsBackToRawBytesInsteadOf500()
    {
        // 14 bytes that once overflowed the number canonicalisation (a 2 GB allocation, then a 500). Canonical JSON now
        // refuses the number with a JsonException, so the documented fallback applies: the raw bytes decide.
        await using var app = await StartAsync(o => o.BodyFingerprint = BodyFingerprint.CanonicalJson);
        const string hostile = "[1e2147483647]";
        Assert.Equal(14, Encoding.UTF8.GetByteCount(hostile));

        var first = await app.SendAsync(Requests.Post("/transfers", "k1", hostile));
        var same = await app.SendAsync(Requests.Post("/transfers", "k1", hostile));
        var respelled = await app.SendAsync(Requests.Post("/transfers", "k1", "[10e2147483646]"));
        var reused = await app.SendAsync(Requests.Post("/transfers", "k2", "[1]"));
        var hostileOnReusedKey = await app.SendAsync(Requests.Post("/transfers", "k2", hostile));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.True(same.IsReplayed);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, respelled.Status);
        Assert.Equal(ProblemTypes.KeyReused, respelled.ProblemType);
        Assert.Equal(HttpStatusCode.OK, reused.Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, hostileOnReusedKey.Status);
        Assert.Equal(ProblemTypes.KeyReused, hostileOnReusedKey.ProblemType);
        Assert.Equal(2, app.Runs["transfers"]); // k1's first request and k2's first request; no 4xx answer ran it
    }

    [Fact]
    public async Task Transfers_SelectorFingerprint_OnlySelectedFieldsCount()
    {
        await using var app = await StartAsync(o => o.BodyFingerprintSelector = static (_, body) =>
        {
            using var document = JsonDocument.Parse(body);
            return ValueTask.FromResult(document.RootElement.GetProperty("amount").GetRawText());
        });

        await app.SendAsync(Requests.Post("/transfers", "k1", """{"amount":10,"note":"first"}"""));
        var sameAmount = await app.SendAsync(Requests.Post("/transfers", "k1", """{"amount":10,"note":"retry"}"""));
        var otherAmount = await app.SendAsync(Requests.Post("/transfers", "k1", """{"amount":12,"note":"first"}"""));

        Assert.True(sameAmount.IsReplayed);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, otherAmount.Status);
    }

    [Fact]
    public async Task Transfers_JmesPathSelectorFingerprint_PlugsIntoTheHook()
    {
        // The snippet of docs/http.md: Idempotency.JmesPath plugs in without the middleware depending on it.
        var amounts = new Idempotency.JmesPath.JmesPathKeySelector(keyExpression: "@", fingerprintExpression: "[amount, currency]");
        await using var app = await StartAsync(o =>
            o.BodyFingerprintSelector = (context, body) => ValueTask.FromResult(amounts.Select(body.Span).Fingerprint ?? ""));

        await app.SendAsync(Requests.Post("/transfers", "k1", """{"amount":10,"currency":"EUR","note":"a"}"""));
        var sameFields = await app.SendAsync(Requests.Post("/transfers", "k1", """{"note":"b","currency":"EUR","amount":10.0}"""));
        var otherCurrency = await app.SendAsync(Requests.Post("/transfers", "k1", """{"amount":10,"currency":"USD","note":"a"}"""));

        Assert.True(sameFields.IsReplayed);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, otherCurrency.Status);
        Assert.Equal(1, app.Runs["transfers"]);
    }

    [Fact]
    public async Task Transfers_IgnoredBody_OnlyRequestLineAndContentTypeCount()
    {
        await using var app = await StartAsync(o => o.BodyFingerprint = BodyFingerprint.Ignore);

        await app.SendAsync(Requests.Post("/transfers", "k1", "a"));
        var otherBody = await app.SendAsync(Requests.Post("/transfers", "k1", "b"));

        Assert.True(otherBody.IsReplayed);
    }

    [Fact]
    public async Task Transfers_FingerprintHeader_ChangeIsAReuse()
    {
        await using var app = await StartAsync(o => o.FingerprintHeaders.Add("Accept-Language"));

        var first = Requests.Post("/transfers", "k1");
        first.Headers.Add("Accept-Language", "en");
        var same = Requests.Post("/transfers", "k1");
        same.Headers.Add("Accept-Language", "en");
        var other = Requests.Post("/transfers", "k1");
        other.Headers.Add("Accept-Language", "fr");

        await app.SendAsync(first);
        Assert.True((await app.SendAsync(same)).IsReplayed);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await app.SendAsync(other)).Status);
    }

    [Fact]
    public async Task Transfers_BodyAboveLimit_Returns413WithoutRunning()
    {
        await using var app = await StartAsync(o => o.MaxRequestBodySize = 100);

        var atLimit = await app.SendAsync(Requests.Post("/transfers", "k1", new string('a', 100), contentType: "text/plain"));
        var aboveLimit = await app.SendAsync(Requests.Post("/transfers", "k2", new string('a', 101), contentType: "text/plain"));

        Assert.Equal(HttpStatusCode.OK, atLimit.Status);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, aboveLimit.Status);
        Assert.Equal(ProblemTypes.RequestBodyTooLarge, aboveLimit.ProblemType);
        Assert.Equal(1, app.Runs["transfers"]);
    }

    [Fact]
    public async Task Transfers_ChunkedBodyAboveLimit_Returns413()
    {
        await using var app = await StartAsync(o => o.MaxRequestBodySize = 100);
        var request = new HttpRequestMessage(HttpMethod.Post, "/transfers")
        {
            Content = new StreamContent(new MemoryStream(Encoding.ASCII.GetBytes(new string('a', 5000)))),
        };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", "k1");
        request.Headers.TransferEncodingChunked = true;

        var answer = await app.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, answer.Status);
        Assert.Equal(0, app.Runs["transfers"]);
    }

    [Fact]
    public async Task Transfers_LargeBodyWithinLimit_IsFingerprintedAndReplayed()
    {
        await using var app = await StartAsync(o => o.MaxRequestBodySize = 4 * 1024 * 1024);
        var body = new string('z', 3 * 1024 * 1024);

        await app.SendAsync(Requests.Post("/transfers", "k1", body, contentType: "text/plain"));
        var replay = await app.SendAsync(Requests.Post("/transfers", "k1", body, contentType: "text/plain"));
        var changed = await app.SendAsync(Requests.Post("/transfers", "k1", body[..^1] + "y", contentType: "text/plain"));

        Assert.True(replay.IsReplayed);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, changed.Status);
    }
}
