using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Idempotency.Transactions.Tests;

/// <summary>
/// An endpoint marked RequireTransactionalIdempotency(): its order row and its idempotency record commit together, and
/// the response goes out after the commit. One suite, run once per store.
/// </summary>
public abstract class TransactionalHttpSuite<TTransaction, TDatabase>
    where TTransaction : IIdempotencyTransaction<TDatabase>
    where TDatabase : notnull
{
    private const int MaxResponseBodySize = 4_096;

    [Fact]
    public async Task Post_FirstAndRetry_OneOrderCommittedWithItsRecordAndTheRetryReplaysTheBody()
    {
        await using var orders = await CreateAsync();
        await using var app = await StartAsync(orders);
        using var client = app.GetTestClient();

        using var first = await client.SendAsync(Post("k-1"));
        using var retry = await client.SendAsync(Post("k-1"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.True(retry.Headers.TryGetValues("Idempotent-Replayed", out var replayed) && replayed.Single() == "true");
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal(first.Content.Headers.ContentLength, retry.Content.Headers.ContentLength);
        Assert.Equal(1, await orders.CountOrdersAsync("k-1"));
        Assert.Equal(1, await orders.CountRecordsAsync(completed: true));
    }

    [Fact]
    public async Task Post_ConcurrentDuplicates_OneOrderAndTheOthersAre409OrReplays()
    {
        await using var orders = await CreateAsync();
        await using var app = await StartAsync(orders);
        using var client = app.GetTestClient();

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(async () =>
        {
            using var response = await client.SendAsync(Post("k-dup", fail: "slow"));
            return (response.StatusCode, Replayed: response.Headers.Contains("Idempotent-Replayed"));
        })));

        Assert.Equal(1, await orders.CountOrdersAsync("k-dup"));
        Assert.Single(answers, a => a == (HttpStatusCode.Created, false));
        Assert.All(answers, a => Assert.True(a is (HttpStatusCode.Conflict, false) or (HttpStatusCode.Created, _), a.ToString()));
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Post_HandlerThrowsAfterWriting_NeitherOrderNorRecordAndARetryRuns()
    {
        await using var orders = await CreateAsync();
        await using var app = await StartAsync(orders);
        using var client = app.GetTestClient();

        await SendExpectingServerErrorAsync(client, Post("k-2", fail: "throw"), "boom");

        await AssertNothingKeptThenARetryRunsAsync(orders, client, "k-2");
    }

    [Fact]
    public async Task Post_CommitFails_503ProblemAndNothingKeptThenARetryRuns()
    {
        await using var orders = await CreateAsync();
        await using var app = await StartAsync(orders);
        using var client = app.GetTestClient();

        using var failed = await client.SendAsync(Post("k-3", fail: "commit"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal("application/problem+json", failed.Content.Headers.ContentType!.MediaType);
        Assert.NotNull(failed.Headers.RetryAfter);
        Assert.DoesNotContain("order", await failed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await AssertNothingKeptThenARetryRunsAsync(orders, client, "k-3");
    }

    [Fact]
    public async Task Post_ResponseAboveTheCap_FailsAndKeepsNothingThenARetryRuns()
    {
        await using var orders = await CreateAsync();
        await using var app = await StartAsync(orders);
        using var client = app.GetTestClient();

        await SendExpectingServerErrorAsync(client, Post("k-4", fail: "large"), "larger than MaxResponseBodySize");

        await AssertNothingKeptThenARetryRunsAsync(orders, client, "k-4");
    }

    protected abstract Task<OrdersFixture<TTransaction, TDatabase>> CreateAsync();

    private static async Task AssertNothingKeptThenARetryRunsAsync(OrdersFixture<TTransaction, TDatabase> orders, HttpClient client, string key)
    {
        Assert.Equal(0, await orders.CountOrdersAsync());
        Assert.Equal(0, await orders.CountRecordsAsync());
        using var retry = await client.SendAsync(Post(key));
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.False(retry.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(1, await orders.CountOrdersAsync());
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

    // The handler takes the driver's transaction from the services, as a TDatabase parameter of a typed handler would.
    private static async Task<IResult> HandleAsync(OrdersFixture<TTransaction, TDatabase> orders, HttpContext http)
    {
        var tx = http.RequestServices.GetRequiredService<TDatabase>();
        var ct = http.RequestAborted;
        var id = await orders.PlaceAsync(tx, http.Request.Headers["Idempotency-Key"].ToString(), ct);
        switch (http.Request.Headers["X-Fail"].ToString())
        {
            case "throw":
                throw new InvalidOperationException("boom");
            case "commit":
                await orders.BreakTheCommitAsync(tx, ct);
                break;
            case "slow":
                await Task.Delay(300, ct);
                break;
            case "large":
                return Results.Text(new string('x', MaxResponseBodySize + 1), statusCode: StatusCodes.Status201Created);
        }

        return Results.Created($"/orders/{id}", new { order = id });
    }

    private static async Task<WebApplication> StartAsync(OrdersFixture<TTransaction, TDatabase> orders)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        orders.AddStore(builder.Services.AddIdempotency()).AddIdempotencyMiddleware(o => o.MaxResponseBodySize = MaxResponseBodySize);
        var app = builder.Build();
        app.UseIdempotency();
        app.MapPost("/orders", (RequestDelegate)(async http => await (await HandleAsync(orders, http)).ExecuteAsync(http))).RequireTransactionalIdempotency();
        await app.StartAsync();
        return app;
    }
}
