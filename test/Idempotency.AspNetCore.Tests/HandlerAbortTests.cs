using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

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

    // Found by attack: on HTTP/2 a handler that reset its stream after writing part of its response had the fragment
    // stored and replayed as a complete 200. A reset is now an abort like any other.
    [Fact]
    public async Task Http2HandlerResetsItsStream_NothingIsStoredAndTheRetryRuns()
    {
        var runs = new HandlerRuns();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Logging.ClearProviders();
        builder.Services.AddIdempotency().AddIdempotencyMiddleware();
        await using var app = builder.Build();
        app.UseIdempotency();
        app.MapPost("/export", async (HttpContext context) =>
        {
            if (runs.Ran("export") == 1)
            {
                await context.Response.WriteAsync("{\"rows\":[1,2,");
                await context.Response.Body.FlushAsync();
                context.Features.GetRequiredFeature<IHttpResetFeature>().Reset(2);
                return;
            }

            await context.Response.WriteAsync("{\"rows\":[1,2,3]}");
        }).RequireIdempotency();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        using var client = new HttpClient { BaseAddress = new Uri(address) };

        await Assert.ThrowsAnyAsync<Exception>(() => ReadWholeAsync(client, Http2));
        var retry = await Answer.SendAsync(client, Http2(Requests.Post("/export", "k-1")));
        var replay = await Answer.SendAsync(client, Http2(Requests.Post("/export", "k-1")));

        Assert.False(retry.IsReplayed);
        Assert.Equal("{\"rows\":[1,2,3]}", retry.Text);
        Assert.True(replay.IsReplayed);
        Assert.Equal("{\"rows\":[1,2,3]}", replay.Text);
        Assert.Equal(2, runs["export"]);
    }

    private static HttpRequestMessage Http2(HttpRequestMessage request)
    {
        request.Version = HttpVersion.Version20;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        return request;
    }

    private static async Task ReadWholeAsync(HttpClient client, Func<HttpRequestMessage, HttpRequestMessage>? version = null)
    {
        using var response = await client.SendAsync((version ?? (static r => r))(Requests.Post("/export", "k-1")));
        await response.Content.ReadAsByteArrayAsync();
    }
}
