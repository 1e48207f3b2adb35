using System.Net;

namespace Idempotency.AspNetCore.Tests;

public sealed class ReplayTests : IAsyncLifetime
{
    private SampleHost _host = null!;

    public async Task InitializeAsync() => _host = await SampleHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task PostOrders_SameKeyTwice_ReplaysStatusBodyAndLocationWithReplayHeader()
    {
        var key = Requests.NewKey();

        var first = await Answer.SendAsync(_host.Client, Requests.Post("/orders", key));
        var second = await Answer.SendAsync(_host.Client, Requests.Post("/orders", key));

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.False(first.IsReplayed);
        Assert.Null(first.Header("Idempotent-Replayed"));
        var id = first.Json.GetProperty("id").GetString();
        Assert.Equal($"/orders/{id}", first.Header("Location"));

        Assert.Equal(HttpStatusCode.Created, second.Status);
        Assert.Equal("true", second.Header("Idempotent-Replayed"));
        Assert.Equal(first.Body, second.Body);
        Assert.Equal(first.Header("Location"), second.Header("Location"));
        Assert.Equal("application/json; charset=utf-8", second.Header("Content-Type"));
        Assert.Equal(second.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), second.Header("Content-Length"));
        Assert.Equal((1, 0), await _host.GetRunsAsync());
    }

    [Fact]
    public async Task PostOrders_ManyRetries_RunOnceAndReplayIdenticalBytes()
    {
        var key = Requests.NewKey();
        var first = await Answer.SendAsync(_host.Client, Requests.Post("/orders", key));

        for (var i = 0; i < 5; i++)
        {
            var retry = await Answer.SendAsync(_host.Client, Requests.Post("/orders", key));
            Assert.True(retry.IsReplayed);
            Assert.Equal(first.Body, retry.Body);
        }

        Assert.Equal((1, 0), await _host.GetRunsAsync());
    }

    [Fact]
    public async Task PostOrders_QuotedAndBareKey_NameTheSameKey()
    {
        var first = await Answer.SendAsync(_host.Client, Requests.Post("/orders", "abc-123"));
        var second = await Answer.SendAsync(_host.Client, Requests.Post("/orders", "\"abc-123\""));

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.True(second.IsReplayed);
        Assert.Equal(first.Body, second.Body);
        Assert.Equal((1, 0), await _host.GetRunsAsync());
    }

    [Fact]
    public async Task PostOrders_DifferentKeys_RunEachAndGetFreshIds()
    {
        var first = await Answer.SendAsync(_host.Client, Requests.Post("/orders", Requests.NewKey()));
        var second = await Answer.SendAsync(_host.Client, Requests.Post("/orders", Requests.NewKey()));

        Assert.False(second.IsReplayed);
        Assert.NotEqual(first.Json.GetProperty("id").GetString(), second.Json.GetProperty("id").GetString());
        Assert.Equal((2, 0), await _host.GetRunsAsync());
    }

    [Fact]
    public async Task PostOrders_ValidationError_IsStoredAndReplayed()
    {
        var key = Requests.NewKey();
        const string invalid = """{"item":"","quantity":0}""";

        var first = await Answer.SendAsync(_host.Client, Requests.Post("/orders", key, invalid));
        var second = await Answer.SendAsync(_host.Client, Requests.Post("/orders", key, invalid));

        Assert.Equal(HttpStatusCode.BadRequest, first.Status);
        Assert.False(first.IsReplayed);
        Assert.Equal(HttpStatusCode.BadRequest, second.Status);
        Assert.True(second.IsReplayed);
        Assert.Equal(first.Body, second.Body);
        Assert.Equal((1, 0), await _host.GetRunsAsync());
    }

    [Fact]
    public async Task GetOrder_AfterCreation_ReturnsTheOrderWithoutIdempotency()
    {
        var created = await Answer.SendAsync(_host.Client, Requests.Post("/orders", Requests.NewKey()));

        var read = await Answer.SendAsync(_host.Client, new HttpRequestMessage(HttpMethod.Get, created.Header("Location")));

        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal(created.Json.GetProperty("id").GetString(), read.Json.GetProperty("id").GetString());
        Assert.Null(read.Header("Idempotent-Replayed"));
    }
}
