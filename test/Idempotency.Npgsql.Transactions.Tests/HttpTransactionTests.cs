using System.Net;
using System.Net.Http.Json;
using Idempotency.TestServers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Idempotency.Npgsql.Transactions.Tests;

/// <summary>An endpoint marked RequireTransactionalIdempotency(): its order row and its idempotency record commit together.</summary>
[Collection(PostgresCollection.Name)]
public sealed class HttpTransactionTests(PostgresServer server)
{
    [Fact]
    public async Task Post_FirstAndRetry_OneOrderCommittedWithItsRecordAndTheRetryReplaysTheBody()
    {
        await using var table = await OrdersTable.CreateAsync(server);
        await using var app = await StartAsync(table);
        using var client = app.GetTestClient();

        using var first = await client.SendAsync(Post("k-1"));
        using var retry = await client.SendAsync(Post("k-1"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.True(retry.Headers.TryGetValues("Idempotent-Replayed", out var replayed) && replayed.Single() == "true");
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal(1, await table.CountOrdersAsync("k-1"));
        Assert.Equal(1, await table.Records.CountAsync("status = 1"));
    }

    [Fact]
    public async Task Post_HandlerThrowsAfterWriting_NeitherOrderNorRecordAndARetryRuns()
    {
        await using var table = await OrdersTable.CreateAsync(server);
        await using var app = await StartAsync(table);
        using var client = app.GetTestClient();

        var failing = Post("k-2");
        failing.Headers.Add("X-Fail", "throw");
        try
        {
            using var failed = await client.SendAsync(failing);
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        }
        catch (InvalidOperationException ex) when (ex.Message == "boom")
        {
            // TestServer hands the handler's exception to the client when no exception handler answers it.
        }

        Assert.Equal(0, await table.CountOrdersAsync());
        Assert.Equal(0, await table.Records.CountAsync());
        using var retry = await client.SendAsync(Post("k-2"));
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.False(retry.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(1, await table.CountOrdersAsync());
    }

    [Fact]
    public async Task Post_CommitFails_503ProblemAndNothingKeptThenARetryRuns()
    {
        await using var table = await OrdersTable.CreateAsync(server);
        await table.Records.ExecuteAsync($"CREATE TABLE {table.Orders}_lines (order_id bigint NOT NULL REFERENCES {table.Orders} (id) DEFERRABLE INITIALLY DEFERRED)");
        await using var app = await StartAsync(table);
        using var client = app.GetTestClient();

        var failing = Post("k-3");
        failing.Headers.Add("X-Fail", "commit");
        using var failed = await client.SendAsync(failing);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal("application/problem+json", failed.Content.Headers.ContentType!.MediaType);
        Assert.DoesNotContain("order", await failed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await table.CountOrdersAsync());
        Assert.Equal(0, await table.Records.CountAsync());
        using var retry = await client.SendAsync(Post("k-3"));
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(1, await table.CountOrdersAsync());
        await table.Records.ExecuteAsync($"DROP TABLE {table.Orders}_lines");
    }

    private static HttpRequestMessage Post(string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = JsonContent.Create(new { item = "book" }) };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    private static async Task<WebApplication> StartAsync(OrdersTable table)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(table.Records.DataSource);
        builder.Services.AddIdempotency()
            .AddNpgsqlStore(o => o.TableName = table.Records.Options.TableName)
            .AddNpgsqlTransactions()
            .AddIdempotencyMiddleware();
        var app = builder.Build();
        app.UseIdempotency();
        app.MapPost("/orders", async (HttpContext http, NpgsqlTransaction tx, CancellationToken ct) =>
        {
            var key = http.Request.Headers["Idempotency-Key"].ToString();
            var id = await table.PlaceAsync(tx, key, ct);
            switch (http.Request.Headers["X-Fail"].ToString())
            {
                case "throw":
                    throw new InvalidOperationException("boom");
                case "commit":
                    await using (var line = new NpgsqlCommand($"INSERT INTO {table.Orders}_lines (order_id) VALUES ($1)", tx.Connection, tx))
                    {
                        line.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id + 1_000_000 });
                        await line.ExecuteNonQueryAsync(ct);
                    }

                    break;
            }

            return Results.Created($"/orders/{id}", new { order = id });
        }).RequireTransactionalIdempotency();
        await app.StartAsync();
        return app;
    }
}
