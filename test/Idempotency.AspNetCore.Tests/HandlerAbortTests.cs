using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Idempotency.AspNetCore.Tests;

// Found by attack: a handler that wrote part of its response and then called HttpContext.Abort() had that fragment
// stored as the complete answer, and every retry was replayed the truncated body with a 200. An aborted response is
// now treated as the handler failing: nothing is stored and the retry runs.
public sealed class HandlerAbortTests
{
    [Fact]
    public async Task HandlerAbortsAfterWritingPart_NothingIsStoredAndTheRetryRuns()
    {
        await using var app = await TestApp.StartAsync((app, runs) => app.MapPost("/export", async (HttpContext context) =>
        {
            if (runs.Ran("export") == 1)
            {
                await context.Response.WriteAsync("{\"rows\":[1,2,");
                await context.Response.Body.FlushAsync();
                context.Abort();
                return;
            }

            await context.Response.WriteAsync("{\"rows\":[1,2,3]}");
        }).RequireIdempotency());

        await Assert.ThrowsAnyAsync<Exception>(() => ReadWholeAsync(app.Client));
        var retry = await app.SendAsync(Requests.Post("/export", "k-1"));
        var replay = await app.SendAsync(Requests.Post("/export", "k-1"));

        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.False(retry.IsReplayed);
        Assert.Equal("{\"rows\":[1,2,3]}", retry.Text);
        Assert.True(replay.IsReplayed);
        Assert.Equal("{\"rows\":[1,2,3]}", replay.Text);
        Assert.Equal(2, app.Runs["export"]);
    }

    private static async Task ReadWholeAsync(HttpClient client)
    {
        using var response = await client.SendAsync(Requests.Post("/export", "k-1"));
        await response.Content.ReadAsByteArrayAsync();
    }
}
