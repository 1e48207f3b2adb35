using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Idempotency.Sqlite.Transactions.Tests;

/// <summary>An endpoint marked RequireTransactionalIdempotency() on SQLite: its order row and its idempotency record commit together.</summary>
public sealed class HttpTransactionTests
{
    private const int MaxResponseBodySize = 4_096;

    [Fact]
    public async Task Post_FirstAndRetry_OneOrderCommittedWithItsRecordAndTheRetryReplaysTheBody()
    {
        using var database = await OrdersDatabase.CreateAsync();
        await using var app = await StartAsync(database);
        using var client = app.GetTestClient();

        using var first = await client.SendAsync(Post("k-1"));
        using var retry = await client.SendAsync(Post("k-1"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.True(retry.Headers.TryGetValues("Idempotent-Replayed", out var replayed) && replayed.Single() == "true");
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal(1, database.CountOrders("k-1"));
        Assert.Equal(1, database.CountRecords("status = 1"));
    }

    [Fact]
    public async Task Post_ConcurrentDuplicates_OneOrderAndTheOthersAre409OrReplays()
    {
        using var database = await OrdersDatabase.CreateAsync();
        await using var app = await StartAsync(database);
        using var client = app.GetTestClient();

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(async () =>
        {
            using var response = await client.SendAsync(Post("k-dup", fail: "slow"));
            return (response.StatusCode, Replayed: response.Headers.Contains("Idempotent-Replayed"));
        })));

        Assert.Equal(1, database.CountOrders("k-dup"));
        Assert.Single(answers, a => a == (HttpStatusCode.Created, false));
        Assert.All(answers, a => Assert.True(a is (HttpStatusCode.Conflict, false) or (HttpStatusCode.Created, _), a.ToString()));
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Post_HandlerThrowsAfterWriting_NeitherOrderNorRecordAndARetryRuns()
    {
        using var database = await OrdersDatabase.CreateAsync();
        await using var app = await StartAsync(database);
        using var client = app.GetTestClient();

        await SendExpectingServerErrorAsync(client, Post("k-2", fail: "throw"), "boom");

        Assert.Equal(0, database.CountOrders());
        Assert.Equal(0, database.CountRecords());
        using var retry = await client.SendAsync(Post("k-2"));
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.False(retry.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(1, database.CountOrders());
    }

    [Fact]
    public async Task Post_CommitFails_503ProblemAndNothingKeptThenARetryRuns()
    {
        using var database = await OrdersDatabase.CreateAsync();
        await using var app = await StartAsync(database);
        using var client = app.GetTestClient();

        using var failed = await client.SendAsync(Post("k-3", fail: "commit"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal("application/problem+json", failed.Content.Headers.ContentType!.MediaType);
        Assert.NotNull(failed.Headers.RetryAfter);
        Assert.DoesNotContain("order", await failed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, database.CountOrders());
        Assert.Equal(0, database.CountRecords());
        using var retry = await client.SendAsync(Post("k-3"));
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(1, database.CountOrders());
    }

    [Fact]
    public async Task Post_ResponseAboveTheCap_FailsAndKeepsNothingThenARetryRuns()
    {
        using var database = await OrdersDatabase.CreateAsync();
        await using var app = await StartAsync(database);
        using var client = app.GetTestClient();

        await SendExpectingServerErrorAsync(client, Post("k-4", fail: "large"), "larger than MaxResponseBodySize");

        Assert.Equal(0, database.CountOrders());
        Assert.Equal(0, database.CountRecords());
        using var retry = await client.SendAsync(Post("k-4"));
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(1, database.CountOrders());
    }

    private static async Task SendExpectingServerErrorAsync(HttpClient client, HttpRequestMessage request, string message)
    {
        try
        {
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains(message, StringComparison.Ordinal))
        {
            // TestServer hands an unhandled exception to the client when no exception handler answers it.
        }
    }

    private static HttpRequestMessage Post(string key, string? fail = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = JsonContent.Create(new { item = "book" }) };
        request.Headers.Add("Idempotency-Key", key);
        if (fail is not null)
        {
            request.Headers.Add("X-Fail", fail);
        }

        return request;
    }

    private static async Task<WebApplication> StartAsync(OrdersDatabase database)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddIdempotency()
            .AddSqliteStore(o => o.ConnectionString = database.ConnectionString)
            .AddSqliteTransactions()
            .AddIdempotencyMiddleware(o => o.MaxResponseBodySize = MaxResponseBodySize);
        var app = builder.Build();
        app.UseIdempotency();
        app.MapPost("/orders", async (HttpContext http, SqliteTransaction tx, CancellationToken ct) =>
        {
            var id = OrdersDatabase.Place(tx, http.Request.Headers["Idempotency-Key"].ToString());
            switch (http.Request.Headers["X-Fail"].ToString())
            {
                case "throw":
                    throw new InvalidOperationException("boom");
                case "commit":
                    OrdersDatabase.AddLineOfNoOrder(tx);
                    break;
                case "slow":
                    await Task.Delay(300, ct);
                    break;
                case "large":
                    return Results.Text(new string('x', MaxResponseBodySize + 1), statusCode: StatusCodes.Status201Created);
            }

            return Results.Created($"/orders/{id}", new { order = id });
        }).RequireTransactionalIdempotency();
        await app.StartAsync();
        return app;
    }
}
