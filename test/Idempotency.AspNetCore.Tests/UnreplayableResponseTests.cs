using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Idempotency.AspNetCore.Tests;

// Found by attack: responses the stored-record reader or the server would refuse (a header value with CR/LF, more than
// 1 000 values, a 204 with a body) were stored anyway, and every retry got an empty 500 for the whole TTL. A response
// that cannot be replayed is now marked not stored (retries get 424, the handler never runs twice); a 204 replays bodiless.
public sealed class UnreplayableResponseTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(
        (app, runs) =>
        {
            app.MapPost("/control", (HttpContext context) =>
            {
                runs.Ran("control");
                context.Response.Headers.Location = "/orders/1\r\nSet-Cookie: stolen=1";
                return Results.StatusCode(StatusCodes.Status201Created);
            }).RequireIdempotency();
            app.MapPost("/many", (HttpContext context) =>
            {
                runs.Ran("many");
                context.Response.Headers["X-Many"] = Enumerable.Range(0, 1001).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                return Results.Text("ok");
            }).RequireIdempotency();
            app.MapPost("/nocontent", async (HttpContext context) =>
            {
                runs.Ran("nocontent");
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                await context.Response.WriteAsync("stray");
            }).RequireIdempotency();
        },
        http: o => o.ReplayedResponseHeaders.Add("X-Many"));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("/control", "control character")]
    [InlineData("/many", "more than 1000 values")]
    public async Task UnreplayableHeaders_RetryGets424AndHandlerRanOnce(string path, string reason)
    {
        await _app.SendAsync(Requests.Post(path, "k-1"));

        var retry = await _app.SendAsync(Requests.Post(path, "k-1"));

        Assert.Equal(HttpStatusCode.FailedDependency, retry.Status);
        Assert.Equal(ProblemTypes.ResponseNotStored, retry.ProblemType);
        Assert.Contains(reason, retry.Text, StringComparison.Ordinal);
        Assert.Equal(1, _app.Runs[path.TrimStart('/')]);
    }

    [Fact]
    public async Task NoContentWithStrayBody_ReplaysWithoutABody()
    {
        await _app.SendAsync(Requests.Post("/nocontent", "k-1"));

        var retry = await _app.SendAsync(Requests.Post("/nocontent", "k-1"));

        Assert.Equal(HttpStatusCode.NoContent, retry.Status);
        Assert.True(retry.IsReplayed);
        Assert.Empty(retry.Body);
        Assert.Equal(1, _app.Runs["nocontent"]);
    }
}
