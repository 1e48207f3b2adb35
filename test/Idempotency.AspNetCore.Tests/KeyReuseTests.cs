using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Idempotency.AspNetCore.Tests;

public sealed class KeyReuseTests : IAsyncLifetime
{
    private SampleHost _host = null!;

    public async Task InitializeAsync() => _host = await SampleHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public static TheoryData<string, string, string> OtherRequests => new()
    {
        { "/orders", """{"item":"book","quantity":3}""", "application/json" },
        { "/orders", """{"quantity":2,"item":"book"}""", "application/json" },
        { "/orders", Requests.OrderJson + " ", "application/json" },
        { "/orders?delayMs=0", Requests.OrderJson, "application/json" },
        { "/notes", Requests.OrderJson, "application/json" },
        { "/orders", Requests.OrderJson, "application/json; charset=utf-8" },
    };

    [Theory]
    [MemberData(nameof(OtherRequests))]
    public async Task PostOrders_KeyReusedWithAnotherRequest_Returns422AndDoesNotRun(string path, string body, string contentType)
    {
        var key = Requests.NewKey();
        var first = await Answer.SendAsync(_host.Client, Requests.Post("/orders", key));

        var reused = await Answer.SendAsync(_host.Client, Requests.Post(path, key, body, contentType: contentType));

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.Status);
        Assert.Equal(ProblemTypes.KeyReused, reused.ProblemType);
        Assert.Null(reused.Header("Idempotent-Replayed"));
        Assert.Equal((1, 0), await _host.GetRunsAsync());

        // The original request still replays.
        var retry = await Answer.SendAsync(_host.Client, Requests.Post("/orders", key));
        Assert.True(retry.IsReplayed);
        Assert.Equal(first.Body, retry.Body);
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    public async Task Items_KeyReusedWithAnotherMethod_Returns422(string method)
    {
        await using var app = await TestApp.StartAsync((app, runs) =>
            app.MapMethods("/items", ["POST", "PUT", "PATCH"], (HttpContext http) =>
            {
                runs.Ran(http.Request.Method);
                return Results.Ok(new { method = http.Request.Method });
            }).RequireIdempotency());
        var key = Requests.NewKey();

        var first = await app.SendAsync(Requests.Create(HttpMethod.Post, "/items", key));
        var reused = await app.SendAsync(Requests.Create(new HttpMethod(method), "/items", key));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.Status);
        Assert.Equal(ProblemTypes.KeyReused, reused.ProblemType);
        Assert.Equal(1, app.Runs["POST"]);
        Assert.Equal(0, app.Runs[method]);
    }

    [Fact]
    public async Task Items_SameKeyOnAnotherResourcePath_Returns422()
    {
        await using var app = await TestApp.StartAsync((app, runs) =>
            app.MapPost("/items/{id}", (string id) =>
            {
                runs.Ran(id);
                return Results.Ok(new { id });
            }).RequireIdempotency());
        var key = Requests.NewKey();

        var first = await app.SendAsync(Requests.Post("/items/1", key));
        var reused = await app.SendAsync(Requests.Post("/items/2", key));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.Status);
        Assert.Equal(0, app.Runs["2"]);
    }
}
