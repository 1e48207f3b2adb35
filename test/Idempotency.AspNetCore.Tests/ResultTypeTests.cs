using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Idempotency.AspNetCore.Tests;

/// <summary>
/// Minimal-API results that write themselves (TypedResults, Results&lt;…&gt;, streams, files, server-sent events): each is
/// replayed exactly (status, replayed headers, body bytes) with its handler run once, or answered as docs/http.md says
/// when it cannot be stored (above the cap, or cut off).
/// </summary>
public sealed class ResultTypeTests : IDisposable
{
    private const int Cap = 1024;
    private static readonly DateTimeOffset Modified = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"idempotency-result-{Guid.NewGuid():N}.txt");
    private readonly TaskCompletionSource _endlessStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ResultTypeTests() => File.WriteAllText(_file, "a file sent with SendFileAsync\n");

    public void Dispose() => File.Delete(_file);

    private Task<TestApp> StartAsync() => TestApp.StartAsync(
        (app, runs) =>
        {
            app.MapPost("/created", () =>
            {
                var run = runs.Ran("created");
                return TypedResults.Created($"/items/{run}", new Item(run, Guid.NewGuid()));
            }).RequireIdempotency();

            app.MapPost("/validated", Results<Created<Item>, ValidationProblem> (string? name) =>
            {
                var run = runs.Ran("validated");
                return string.IsNullOrEmpty(name)
                    ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [$"required (run {run})"] })
                    : TypedResults.Created($"/items/{run}", new Item(run, Guid.NewGuid()));
            }).RequireIdempotency();

            app.MapPost("/stream", (int size) =>
            {
                var run = runs.Ran("stream");
                return Results.Stream(new MemoryStream(Payload(size, run)), "application/octet-stream");
            }).RequireIdempotency();

            app.MapPost("/stream-callback", (int size) =>
            {
                var run = runs.Ran("stream-callback");
                return Results.Stream(
                    async body =>
                    {
                        var payload = Payload(size, run);
                        for (var offset = 0; offset < payload.Length; offset += 100)
                        {
                            await body.WriteAsync(payload.AsMemory(offset, Math.Min(100, payload.Length - offset)));
                            await body.FlushAsync();
                        }
                    },
                    "text/plain");
            }).RequireIdempotency();

            app.MapPost("/file", () =>
            {
                var run = runs.Ran("file");
                return Results.File(Encoding.UTF8.GetBytes($"report {run} {Guid.NewGuid()}"), "text/plain", "report.txt", enableRangeProcessing: true, lastModified: Modified, entityTag: new EntityTagHeaderValue($"\"v{run}\""));
            }).RequireIdempotency();

            app.MapPost("/physical-file", () =>
            {
                runs.Ran("physical-file");
                return TypedResults.PhysicalFile(_file, "text/plain", "sent.txt");
            }).RequireIdempotency();

            app.MapPost("/events", (int count) =>
            {
                var run = runs.Ran("events");
                return TypedResults.ServerSentEvents(Events(run, count), eventType: "order");
            }).RequireIdempotency();

            app.MapPost("/endless-events", (HttpContext context) =>
            {
                runs.Ran("endless-events");
                return TypedResults.ServerSentEvents(Endless(_endlessStarted, context.RequestAborted));
            }).RequireIdempotency();
        },
        http: o => o.MaxResponseBodySize = Cap);

    [Fact]
    public async Task TypedResultsCreated_IsReplayedExactly()
    {
        await using var app = await StartAsync();

        var first = await app.SendAsync(Requests.Post("/created", "k1"));
        var retry = await app.SendAsync(Requests.Post("/created", "k1"));

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal("/items/1", first.Header("Location"));
        AssertReplayOf(first, retry, "Location", "Content-Type");
        Assert.Equal("application/json; charset=utf-8", retry.Header("Content-Type"));
        Assert.Equal(1, app.Runs["created"]);
    }

    [Fact]
    public async Task ResultsUnion_BothCases_AreReplayedExactly()
    {
        await using var app = await StartAsync();

        var created = await app.SendAsync(Requests.Post("/validated?name=book", "k1"));
        var createdRetry = await app.SendAsync(Requests.Post("/validated?name=book", "k1"));
        var invalid = await app.SendAsync(Requests.Post("/validated", "k2"));
        var invalidRetry = await app.SendAsync(Requests.Post("/validated", "k2"));

        Assert.Equal(HttpStatusCode.Created, created.Status);
        AssertReplayOf(created, createdRetry, "Location", "Content-Type");
        Assert.Equal(HttpStatusCode.BadRequest, invalid.Status);
        Assert.Equal("application/problem+json", invalid.Header("Content-Type"));
        Assert.Equal("required (run 2)", invalid.Json.GetProperty("errors").GetProperty("name")[0].GetString());
        AssertReplayOf(invalid, invalidRetry, "Content-Type");   // a validation error stays a validation error
        Assert.Equal(2, app.Runs["validated"]);
    }

    [Theory]
    [InlineData("/stream", 0)]
    [InlineData("/stream", Cap)]
    [InlineData("/stream-callback", 1)]
    [InlineData("/stream-callback", Cap)]
    public async Task ResultsStream_UpToCap_IsReplayedExactly(string path, int size)
    {
        await using var app = await StartAsync();

        var first = await app.SendAsync(Requests.Post($"{path}?size={size}", "k1"));
        var retry = await app.SendAsync(Requests.Post($"{path}?size={size}", "k1"));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(Payload(size, 1), first.Body);
        AssertReplayOf(first, retry, "Content-Type");
        Assert.Equal(1, app.Runs[path.TrimStart('/')]);
    }

    [Theory]
    [InlineData("/stream")]
    [InlineData("/stream-callback")]
    public async Task ResultsStream_AboveCap_ReachesClientInFullAndRetryGets424(string path)
    {
        await using var app = await StartAsync();

        var first = await app.SendAsync(Requests.Post($"{path}?size={(4 * Cap) + 1}", "k1"));
        var retry = await app.SendAsync(Requests.Post($"{path}?size={(4 * Cap) + 1}", "k1"));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(Payload((4 * Cap) + 1, 1), first.Body);
        Assert.Equal(HttpStatusCode.FailedDependency, retry.Status);
        Assert.Equal(ProblemTypes.ResponseNotStored, retry.ProblemType);
        Assert.Contains($"its response (status 200) was larger than the {Cap}-byte replay limit.", retry.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, app.Runs[path.TrimStart('/')]);
    }

    [Fact]
    public async Task ResultsFile_IsReplayedWithItsFileHeaders()
    {
        await using var app = await StartAsync();

        var first = await app.SendAsync(Requests.Post("/file", "k1"));
        var retry = await app.SendAsync(Requests.Post("/file", "k1"));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal("bytes", first.Header("Accept-Ranges"));
        AssertReplayOf(first, retry, "Content-Type", "Content-Disposition", "Last-Modified", "ETag");
        Assert.Equal("\"v1\"", retry.Header("ETag"));
        Assert.Equal("attachment; filename=report.txt; filename*=UTF-8''report.txt", retry.Header("Content-Disposition"));
        Assert.Null(retry.Header("Accept-Ranges"));   // not in ReplayedResponseHeaders: a replay is never a range
        Assert.Equal(1, app.Runs["file"]);
    }

    [Fact]
    public async Task ResultsFile_RangeRequest_IsAnsweredInFullAndReplayedInFull()
    {
        await using var app = await StartAsync();

        var ranged = Requests.Post("/file", "k1");
        ranged.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(0, 3);
        var first = await app.SendAsync(ranged);
        var retry = await app.SendAsync(Requests.Post("/file", "k1"));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.StartsWith("report 1 ", first.Text, StringComparison.Ordinal);
        AssertReplayOf(first, retry, "Content-Type");
        Assert.Equal(1, app.Runs["file"]);
    }

    [Fact]
    public async Task PhysicalFile_SentWithSendFile_IsReplayedExactly()
    {
        await using var app = await StartAsync();

        var first = await app.SendAsync(Requests.Post("/physical-file", "k1"));
        File.WriteAllText(_file, "changed on disk after the first request\n");
        var retry = await app.SendAsync(Requests.Post("/physical-file", "k1"));

        Assert.Equal("a file sent with SendFileAsync\n", first.Text);
        AssertReplayOf(first, retry, "Content-Type", "Content-Disposition", "Last-Modified");
        Assert.Equal(1, app.Runs["physical-file"]);
    }

    [Fact]
    public async Task ServerSentEvents_FiniteStream_IsReplayedExactly()
    {
        await using var app = await StartAsync();

        var first = await app.SendAsync(Requests.Post("/events?count=3", "k1"));
        var retry = await app.SendAsync(Requests.Post("/events?count=3", "k1"));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal("event: order\ndata: run 1 event 0\n\nevent: order\ndata: run 1 event 1\n\nevent: order\ndata: run 1 event 2\n\n", first.Text);
        AssertReplayOf(first, retry, "Content-Type", "Cache-Control", "Content-Encoding");
        Assert.Equal("text/event-stream", retry.Header("Content-Type"));
        Assert.Equal(1, app.Runs["events"]);
    }

    [Fact]
    public async Task ServerSentEvents_AboveCap_RetryGets424()
    {
        await using var app = await StartAsync();

        var first = await app.SendAsync(Requests.Post("/events?count=100", "k1"));
        var retry = await app.SendAsync(Requests.Post("/events?count=100", "k1"));

        Assert.Equal(100, first.Text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(ProblemTypes.ResponseNotStored, retry.ProblemType);
        Assert.Equal(1, app.Runs["events"]);
    }

    [Fact]
    public async Task ServerSentEvents_Endless_RetryGets409WhileItStreamsAnd424AfterTheClientLeaves()
    {
        await using var app = await StartAsync();

        using (var cancel = new CancellationTokenSource())
        {
            var response = await app.Client.SendAsync(Requests.Post("/endless-events", "k1"), HttpCompletionOption.ResponseHeadersRead, cancel.Token);
            var body = await response.Content.ReadAsStreamAsync(cancel.Token);
            var buffer = new byte[16];
            await body.ReadExactlyAsync(buffer, cancel.Token).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal("data: event 0\n\nd", Encoding.ASCII.GetString(buffer));

            var whileStreaming = await app.SendAsync(Requests.Post("/endless-events", "k1"));
            Assert.Equal(HttpStatusCode.Conflict, whileStreaming.Status);
            Assert.Equal(ProblemTypes.InProgress, whileStreaming.ProblemType);

            await cancel.CancelAsync();
            response.Dispose();
        }

        var retry = await Answer.SendWhileInProgressAsync(app.Client, () => Requests.Post("/endless-events", "k1"));

        Assert.Equal(HttpStatusCode.FailedDependency, retry.Status);
        Assert.Equal(ProblemTypes.ResponseNotStored, retry.ProblemType);
        Assert.Equal(1, app.Runs["endless-events"]);
    }

    private static void AssertReplayOf(Answer first, Answer retry, params string[] replayedHeaders)
    {
        Assert.False(first.IsReplayed);
        Assert.True(retry.IsReplayed);
        Assert.Equal(first.Status, retry.Status);
        Assert.Equal(first.Body, retry.Body);
        Assert.Equal(first.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), retry.Header("Content-Length"));
        foreach (var name in replayedHeaders)
        {
            Assert.NotNull(first.Header(name));
            Assert.Equal(first.Header(name), retry.Header(name));
        }
    }

    private static byte[] Payload(int size, int run) =>
        [.. Enumerable.Range(0, size).Select(i => (byte)('a' + ((i + run) % 26)))];

    private static async IAsyncEnumerable<string> Events(int run, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return $"run {run} event {i}";
        }
    }

    private static async IAsyncEnumerable<string> Endless(TaskCompletionSource started, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 0; ; i++)
        {
            yield return $"event {i}";
            started.TrySetResult();
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }

    public sealed record Item(int Run, Guid Id);
}
