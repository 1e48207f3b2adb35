using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace Idempotency.Http.Tests;

/// <summary>Which requests get a key, and what key, as seen by the server.</summary>
public sealed class KeyAttachmentTests : IAsyncLifetime
{
    private OrdersServer _server = null!;
    private ClientHost _host = null!;

    public async Task InitializeAsync()
    {
        _server = await OrdersServer.StartAsync();
        _host = ClientHost.Create(_server, builder => builder.AddIdempotencyKeys());
    }

    public async Task DisposeAsync()
    {
        _host.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task SendAsync_PostAndPatch_EachLogicalRequestGetsItsOwnUuidV4Key()
    {
        var client = _host.Client;
        var sent = new List<string?>();
        for (var i = 0; i < 3; i++)
        {
            using var post = await client.PostAsync("/orders", Requests.Order());
            Assert.Equal(HttpStatusCode.Created, post.StatusCode);
            Assert.False(post.IsReplayed());
            sent.Add(post.RequestMessage!.GetIdempotencyKey());
            using var patch = await client.PatchAsync("/orders/x", Requests.Order());
            sent.Add(patch.RequestMessage!.GetIdempotencyKey());
        }

        var seen = _server.Log.Requests.Where(r => r.PathAndQuery.StartsWith("/orders", StringComparison.Ordinal)).ToList();
        Assert.Equal(["POST", "PATCH", "POST", "PATCH", "POST", "PATCH"], seen.Select(r => r.Method));
        var keys = seen.Select(r => Assert.Single(r.Keys(Requests.KeyHeader))).ToList();
        Assert.All(keys, key => Assert.Matches(Requests.UuidV4(), key));
        Assert.Equal(6, keys.Distinct().Count());
        Assert.Equal<string?>(keys, sent);
        Assert.Equal((3, 0), await _server.GetRunsAsync());
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("HEAD")]
    [InlineData("OPTIONS")]
    public async Task SendAsync_MethodNotInTheDefaultSet_SendsNoKey(string method)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), "/orders/x");
        if (method is "PUT")
        {
            request.Content = Requests.Order();
        }

        using var response = await _host.Client.SendAsync(request);

        var seen = Assert.Single(_server.Log.To("/orders/x"));
        Assert.Equal(method, seen.Method);
        Assert.Empty(seen.Values(Requests.KeyHeader));
        Assert.Null(request.GetIdempotencyKey());
    }

    [Theory]
    [InlineData("client-chosen-key-1", "client-chosen-key-1")]
    [InlineData("\"quoted-structured-field\"", "quoted-structured-field")]
    public async Task SendAsync_CallerSuppliedKey_IsSentUnchangedAndAlone(string key, string named)
    {
        using var request = Requests.Post("/orders", key);

        using var response = await _host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var seen = Assert.Single(_server.Log.To("/orders"));
        Assert.Equal([key], seen.Values(Requests.KeyHeader));
        Assert.Equal(named, request.GetIdempotencyKey());
    }

    // Found by trying the client against a strict server: generated keys went out bare, while the Idempotency-Key draft
    // makes the value a Structured Field string; strict servers reject a bare value. Keys are now quoted and escaped.
    [Theory]
    [InlineData("plain-key", "\"plain-key\"")]
    [InlineData("a\"b\\c", "\"a\\\"b\\\\c\"")]
    public async Task SendAsync_GeneratedKey_IsSentAsAStructuredFieldString(string generated, string onTheWire)
    {
        using var host = ClientHost.Create(_server, builder => builder.AddIdempotencyKeys(options => options.KeyGenerator = () => generated));

        using var response = await host.Client.PostAsync("/orders", Requests.Order());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal([onTheWire], Assert.Single(_server.Log.To("/orders")).Values(Requests.KeyHeader));
        Assert.Equal(generated, response.RequestMessage!.GetIdempotencyKey());
    }

    [Fact]
    public async Task SendAsync_GeneratedKeyOutsidePrintableAscii_IsRefusedNotSent()
    {
        using var host = ClientHost.Create(_server, builder => builder.AddIdempotencyKeys(options => options.KeyGenerator = () => "schlüssel"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => host.Client.PostAsync("/orders", Requests.Order()));

        Assert.Empty(_server.Log.To("/orders"));
    }

    [Fact]
    public async Task SendAsync_CallerSuppliedKeyOnAnotherMethod_IsKeptToo()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/orders/x") { Content = Requests.Order() };
        request.Headers.Add(Requests.KeyHeader, "put-key");

        using var response = await _host.Client.SendAsync(request);

        Assert.Equal(["put-key"], Assert.Single(_server.Log.To("/orders/x")).Values(Requests.KeyHeader));
    }

    [Fact]
    public async Task Send_SynchronousPost_GetsAKeyToo()
    {
        // The test server has no synchronous path, so this one runs the sample on Kestrel.
        await using var server = await OrdersServer.StartKestrelAsync();
        using var host = ClientHost.Create(server, builder => builder.AddIdempotencyKeys());
        using var request = Requests.Post("/orders");

        using var response = await Task.Run(() => host.Client.Send(request));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var key = Assert.Single(Assert.Single(server.Log.To("/orders")).Keys(Requests.KeyHeader));
        Assert.Matches(Requests.UuidV4(), key);
        Assert.Equal(key, request.GetIdempotencyKey());
    }

    [Fact]
    public async Task SendAsync_RequiredKeyEndpointWithoutTheHandler_Is400()
    {
        // The control for the tests above: the sample really requires the key the handler adds.
        using var plain = ClientHost.Create(_server, _ => { });

        using var response = await plain.Client.PostAsync("/orders", Requests.Order());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(Assert.Single(_server.Log.To("/orders")).Values(Requests.KeyHeader));
        Assert.Equal((0, 0), await _server.GetRunsAsync());
    }
}
