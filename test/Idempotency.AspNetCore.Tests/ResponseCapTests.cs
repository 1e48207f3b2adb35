using System.Buffers;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Idempotency.AspNetCore.Tests;

public sealed class ResponseCapTests
{
    private const int Cap = 1024;

    private static Task<TestApp> StartAsync(TaskCompletionSource? release = null) =>
        TestApp.StartAsync(
            (app, runs) =>
            {
                app.MapPost("/export", async (HttpContext http, int size) =>
                {
                    runs.Ran("export");
                    http.Response.ContentType = "text/plain";
                    var chunk = Encoding.ASCII.GetBytes(new string('x', 100));
                    for (var written = 0; written < size; written += chunk.Length)
                    {
                        await http.Response.Body.WriteAsync(chunk.AsMemory(0, Math.Min(chunk.Length, size - written)));
                    }
                }).RequireIdempotency();
                app.MapPost("/stream", async (HttpContext http) =>
                {
                    runs.Ran("stream");
                    await http.Response.WriteAsync("first;");
                    await http.Response.Body.FlushAsync();
                    await release!.Task;
                    await http.Response.WriteAsync("second");
                }).RequireIdempotency();
                app.MapPost("/writer", async (HttpContext http) =>
                {
                    runs.Ran("writer");
                    http.Response.ContentType = "text/plain";
                    http.Response.BodyWriter.Write("written through the pipe, never flushed by the handler"u8);
                    await Task.Yield();
                }).RequireIdempotency();
            },
            http: o => o.MaxResponseBodySize = Cap);

    [Fact]
    public async Task Export_ResponseLargerThanCap_ReachesClientInFullAndRetryGetsNotStoredProblem()
    {
        await using var app = await StartAsync();

        var first = await app.SendAsync(Requests.Post("/export?size=4000", "k1"));
        var retry = await app.SendAsync(Requests.Post("/export?size=4000", "k1"));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(4000, first.Body.Length);
        Assert.Equal(HttpStatusCode.FailedDependency, retry.Status);
        Assert.Equal(ProblemTypes.ResponseNotStored, retry.ProblemType);
        Assert.Contains("status 200", retry.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, app.Runs["export"]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Cap)]
    public async Task Export_ResponseUpToCap_IsReplayedByteForByte(int size)
    {
        await using var app = await StartAsync();

        var first = await app.SendAsync(Requests.Post($"/export?size={size}", "k1"));
        var retry = await app.SendAsync(Requests.Post($"/export?size={size}", "k1"));

        Assert.Equal(size, first.Body.Length);
        Assert.True(retry.IsReplayed);
        Assert.Equal(first.Body, retry.Body);
        Assert.Equal(1, app.Runs["export"]);
    }

    [Fact]
    public async Task Export_OneByteOverCap_IsNotReplayed()
    {
        await using var app = await StartAsync();

        await app.SendAsync(Requests.Post($"/export?size={Cap + 1}", "k1"));
        var retry = await app.SendAsync(Requests.Post($"/export?size={Cap + 1}", "k1"));

        Assert.Equal(ProblemTypes.ResponseNotStored, retry.ProblemType);
        Assert.Equal(1, app.Runs["export"]);
    }

    [Fact]
    public async Task Stream_FirstBytes_ReachTheClientBeforeTheHandlerEnds()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await StartAsync(release);

        using var response = await app.Client.SendAsync(Requests.Post("/stream", "k1"), HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[6];
        await body.ReadExactlyAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("first;", Encoding.ASCII.GetString(buffer));
        Assert.False(release.Task.IsCompleted);

        release.SetResult();
        using var rest = new StreamReader(body);
        Assert.Equal("second", await rest.ReadToEndAsync());

        var retry = await app.SendAsync(Requests.Post("/stream", "k1"));
        Assert.True(retry.IsReplayed);
        Assert.Equal("first;second", retry.Text);
        Assert.Equal(1, app.Runs["stream"]);
    }

    [Fact]
    public async Task Writer_UnflushedPipeWrites_AreSentAndReplayed()
    {
        await using var app = await StartAsync();

        var first = await app.SendAsync(Requests.Post("/writer", "k1"));
        var retry = await app.SendAsync(Requests.Post("/writer", "k1"));

        Assert.Equal("written through the pipe, never flushed by the handler", first.Text);
        Assert.True(retry.IsReplayed);
        Assert.Equal(first.Body, retry.Body);
    }
}
