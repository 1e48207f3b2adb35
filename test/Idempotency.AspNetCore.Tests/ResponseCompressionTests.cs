using System.IO.Compression;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Idempotency.AspNetCore.Tests;

// Found by trying the library as a user: with UseResponseCompression() outside UseIdempotency(), the stored headers
// said gzip while the stored bytes were plain, so every replay was undecodable for the whole TTL; with the opposite
// order, gzip bytes were replayed to clients that never offered gzip. Both orders now replay what each retry can read.
public sealed class ResponseCompressionTests
{
    private static readonly string Document = string.Concat(Enumerable.Repeat("{\"order\":42,\"status\":\"created\"}", 50));

    public enum Order
    {
        CompressionOutside,
        CompressionInside,
    }

    [Theory]
    [InlineData(Order.CompressionOutside)]
    [InlineData(Order.CompressionInside)]
    public async Task EveryRetryGetsABodyItCanRead(Order order)
    {
        var runs = new HandlerRuns();
        await using var app = await StartAsync(order, runs);
        using var client = app.GetTestClient();

        var first = await SendAsync(client, "k-1", acceptGzip: true);
        var gzipRetry = await SendAsync(client, "k-1", acceptGzip: true);
        var plainRetry = await SendAsync(client, "k-1", acceptGzip: false);

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal("gzip", first.Header("Content-Encoding"));
        Assert.Equal(Document, Decode(first));
        Assert.True(gzipRetry.IsReplayed);
        Assert.Equal(HttpStatusCode.Created, gzipRetry.Status);
        Assert.Equal(Document, Decode(gzipRetry));
        Assert.True(plainRetry.IsReplayed);
        Assert.Null(plainRetry.Header("Content-Encoding"));
        Assert.Equal(Document, plainRetry.Text);
        Assert.Equal(1, runs["orders"]);
    }

    [Fact]
    public async Task CompressionInside_ClientRefusingGzipWithQZero_GetsPlainBody()
    {
        var runs = new HandlerRuns();
        await using var app = await StartAsync(Order.CompressionInside, runs);
        using var client = app.GetTestClient();
        await SendAsync(client, "k-1", acceptGzip: true);

        var request = Requests.Post("/orders", "k-1");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip;q=0, identity");
        var retry = await Answer.SendAsync(client, request);

        Assert.True(retry.IsReplayed);
        Assert.Null(retry.Header("Content-Encoding"));
        Assert.Equal(Document, retry.Text);
    }

    private static async Task<Answer> SendAsync(HttpClient client, string key, bool acceptGzip)
    {
        var request = Requests.Post("/orders", key);
        if (acceptGzip)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");
        }

        return await Answer.SendAsync(client, request);
    }

    private static string Decode(Answer answer)
    {
        if (answer.Header("Content-Encoding") != "gzip")
        {
            return answer.Text;
        }

        using var gzip = new GZipStream(new MemoryStream(answer.Body), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static async Task<WebApplication> StartAsync(Order order, HandlerRuns runs)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddResponseCompression();
        builder.Services.AddIdempotency().AddIdempotencyMiddleware();
        var app = builder.Build();
        if (order == Order.CompressionOutside)
        {
            app.UseResponseCompression();
            app.UseIdempotency();
        }
        else
        {
            app.UseIdempotency();
            app.UseResponseCompression();
        }

        app.MapPost("/orders", () =>
        {
            runs.Ran("orders");
            return Results.Text(Document, "application/json", statusCode: StatusCodes.Status201Created);
        }).RequireIdempotency();
        await app.StartAsync();
        return app;
    }
}
