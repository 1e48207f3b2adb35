using System.Net;
using Idempotency.AspNetCore;
using Microsoft.Extensions.DependencyInjection;

namespace Idempotency.Http.Tests;

/// <summary>The handler's options: defaults, another header, other methods, another key generator.</summary>
public sealed class OptionsTests : IAsyncLifetime
{
    private OrdersServer _server = null!;

    public async Task InitializeAsync() => _server = await OrdersServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public void Options_Defaults_AreDocumented()
    {
        var options = new IdempotencyKeyHandlerOptions();

        Assert.Equal("Idempotency-Key", options.HeaderName);
        Assert.Equal("Idempotent-Replayed", options.ReplayedHeaderName);
        Assert.Equal([HttpMethod.Patch, HttpMethod.Post], options.Methods.OrderBy(m => m.Method, StringComparer.Ordinal));
        Assert.Matches(Requests.UuidV4(), options.KeyGenerator());
    }

    [Fact]
    public async Task HeaderName_Other_KeyTravelsInItAndRetriesReplay()
    {
        await using var server = await OrdersServer.StartAsync(builder =>
            builder.Services.Configure<IdempotencyMiddlewareOptions>(options => options.HeaderName = "X-Request-Key"));
        using var host = ClientHost.Create(server, builder => builder
            .AddIdempotencyKeys(options => options.HeaderName = "X-Request-Key")
            .AddRetry(maxRetries: 2)
            .AddHttpMessageHandler(() => new LoseResponsesHandler(lose: 1)));

        using var response = await host.Client.PostAsync("/orders", Requests.Order());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True(response.IsReplayed());
        var key = response.RequestMessage!.GetIdempotencyKey("X-Request-Key");
        Assert.Matches(Requests.UuidV4(), key);
        Assert.Null(response.RequestMessage!.GetIdempotencyKey());
        Assert.All(server.Log.To("/orders"), request =>
        {
            Assert.Equal([key!], request.Keys("X-Request-Key"));
            Assert.Empty(request.Values(Requests.KeyHeader));
        });
        Assert.Equal((1, 0), await server.GetRunsAsync());
    }

    [Fact]
    public async Task HeaderName_Other_CallerSuppliedKeyInThatHeaderIsKept()
    {
        using var host = ClientHost.Create(_server, builder => builder.AddIdempotencyKeys(options => options.HeaderName = "X-Request-Key"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/notes") { Content = Requests.Order() };
        request.Headers.Add("X-Request-Key", "mine");

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(["mine"], Assert.Single(_server.Log.To("/notes")).Values("X-Request-Key"));
    }

    [Fact]
    public async Task Methods_PutAddedPatchRemoved_OnlyPostAndPutGetKeys()
    {
        using var host = ClientHost.Create(_server, builder => builder.AddIdempotencyKeys(options =>
        {
            options.Methods.Add(HttpMethod.Put);
            options.Methods.Remove(HttpMethod.Patch);
        }));

        using var post = await host.Client.PostAsync("/orders", Requests.Order());
        using var put = await host.Client.PutAsync("/orders/x", Requests.Order());
        using var patch = await host.Client.PatchAsync("/orders/x", Requests.Order());
        using var delete = await host.Client.DeleteAsync("/orders/x");

        var seen = _server.Log.Requests.Where(r => r.PathAndQuery.StartsWith("/orders", StringComparison.Ordinal)).ToList();
        Assert.Equal(["POST", "PUT", "PATCH", "DELETE"], seen.Select(r => r.Method));
        Assert.Equal([1, 1, 0, 0], seen.Select(r => r.Values(Requests.KeyHeader).Length));
        Assert.Equal(HttpStatusCode.Created, post.StatusCode);
    }

    [Fact]
    public async Task KeyGenerator_Custom_ItsKeysAreSentOnePerLogicalRequest()
    {
        var next = 0;
        using var host = ClientHost.Create(_server, builder => builder
            .AddIdempotencyKeys(options => options.KeyGenerator = () => "order-" + Interlocked.Increment(ref next))
            .AddRetry(maxRetries: 2)
            .AddHttpMessageHandler(() => new LoseResponsesHandler(lose: 1)));

        using var first = await host.Client.PostAsync("/orders", Requests.Order());
        using var second = await host.Client.PostAsync("/orders", Requests.Order());

        // The first request was sent twice (lost response), still under one generated key.
        Assert.Equal(["order-1", "order-1", "order-2"], _server.Log.To("/orders").Select(r => Assert.Single(r.Keys(Requests.KeyHeader))));
        Assert.True(first.IsReplayed());
        Assert.False(second.IsReplayed());
        Assert.Equal(2, next);
        Assert.Equal((2, 0), await _server.GetRunsAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task KeyGenerator_ReturnsNoKey_RequestIsNotSent(string? generated)
    {
        using var host = ClientHost.Create(_server, builder => builder.AddIdempotencyKeys(options => options.KeyGenerator = () => generated!));

        await Assert.ThrowsAsync<InvalidOperationException>(() => host.Client.PostAsync("/orders", Requests.Order()));

        Assert.Empty(_server.Log.To("/orders"));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void AddIdempotencyKeys_BlankHeaderName_Throws(string headerName)
    {
        var builder = new ServiceCollection().AddHttpClient("x");

        Assert.Throws<ArgumentException>(() => builder.AddIdempotencyKeys(options => options.HeaderName = headerName));
    }
}
