using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Idempotency.AspNetCore.Tests;

// Found by attack: responses that end in a way a replay cannot reproduce. A handler that returned after writing fewer
// bytes than its Content-Length had its key released, so the retry charged again although the handler's effects had
// happened; a 101 (protocol upgrade) was stored and replayed to requests that never asked to upgrade.
public sealed class ResponseEndingTests
{
    [Fact]
    public async Task ContentLengthLargerThanTheBody_RetryGets424AndHandlerRanOnce()
    {
        await using var app = await TestApp.StartAsync((app, runs) => app.MapPost("/pay", async (HttpContext context) =>
        {
            runs.Ran("pay");
            context.Response.ContentLength = 20;
            await context.Response.WriteAsync("charged");
        }).RequireIdempotency());

        try
        {
            using var first = await app.Client.SendAsync(Requests.Post("/pay", "k-1"));
            await first.Content.ReadAsByteArrayAsync();
        }
        catch (HttpRequestException)
        {
            // Kestrel cuts such a response off; the test server may deliver the short body.
        }

        var retry = await app.SendAsync(Requests.Post("/pay", "k-1"));

        Assert.Equal(HttpStatusCode.FailedDependency, retry.Status);
        Assert.Equal(ProblemTypes.ResponseNotStored, retry.ProblemType);
        Assert.Contains("Content-Length", retry.Text, StringComparison.Ordinal);
        Assert.Equal(1, app.Runs["pay"]);
    }

    [Theory]
    [InlineData(100, false)]
    [InlineData(101, false)]
    [InlineData(199, false)]
    [InlineData(200, true)]
    [InlineData(204, true)]
    public void InformationalStatuses_AreNeverStored(int status, bool stored) =>
        Assert.Equal(stored, new ResponseStorageRules(new IdempotencyMiddlewareOptions()).ShouldStore(status));
}
