using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Idempotency.AspNetCore.Tests;

// Found by attack: trailers are not part of a stored response, so a response that sent some was replayed without them
// (for gRPC-style endpoints, without their status). Such a response is now not stored: retries get 424 saying why.
public sealed class ResponseTrailerTests
{
    [Fact]
    public async Task ResponseWithTrailers_IsNotStored_RetryGets424AndHandlerRanOnce()
    {
        await using var app = await TestApp.StartAsync((app, runs) => app.MapPost("/calls", async (HttpContext context) =>
        {
            runs.Ran("calls");
            Assert.True(context.Response.SupportsTrailers());
            context.Response.DeclareTrailer("x-status");
            await context.Response.WriteAsync("done");
            context.Response.AppendTrailer("x-status", "0");
        }).RequireIdempotency());

        var first = await app.SendAsync(Requests.Post("/calls", "k-1"));
        var retry = await app.SendAsync(Requests.Post("/calls", "k-1"));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal("done", first.Text);
        Assert.Equal(HttpStatusCode.FailedDependency, retry.Status);
        Assert.Equal(ProblemTypes.ResponseNotStored, retry.ProblemType);
        Assert.Contains("trailers", retry.Text, StringComparison.Ordinal);
        Assert.Equal(1, app.Runs["calls"]);
    }
}
