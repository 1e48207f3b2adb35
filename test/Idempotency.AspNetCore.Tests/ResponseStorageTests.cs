using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace Idempotency.AspNetCore.Tests;

public sealed class ResponseStorageTests : IAsyncLifetime
{
    private SampleHost _host = null!;

    public async Task InitializeAsync() => _host = await SampleHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    [InlineData(408)]
    [InlineData(409)]
    [InlineData(425)]
    [InlineData(429)]
    [InlineData(499)]
    public async Task PostOrders_RetryableStatus_IsNotStoredSoTheRetryRunsAgain(int status)
    {
        var key = Requests.NewKey();

        var first = await Answer.SendAsync(_host.Client, Requests.Post($"/orders?status={status}", key));
        var retry = await Answer.SendAsync(_host.Client, Requests.Post($"/orders?status={status}", key));

        Assert.Equal(status, (int)first.Status);
        Assert.Equal(status, (int)retry.Status);
        Assert.False(retry.IsReplayed);
        Assert.Equal((2, 0), await _host.GetRunsAsync());
    }

    [Theory]
    [InlineData(200)]
    [InlineData(202)]
    [InlineData(303)]
    [InlineData(400)]
    [InlineData(402)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(422)]
    public async Task PostOrders_FinalStatus_IsStoredAndReplayed(int status)
    {
        var key = Requests.NewKey();

        var first = await Answer.SendAsync(_host.Client, Requests.Post($"/orders?status={status}", key));
        var retry = await Answer.SendAsync(_host.Client, Requests.Post($"/orders?status={status}", key));

        Assert.Equal(status, (int)first.Status);
        Assert.Equal(status, (int)retry.Status);
        Assert.True(retry.IsReplayed);
        Assert.Equal(first.Body, retry.Body);
        Assert.Equal((1, 0), await _host.GetRunsAsync());
    }

    [Fact]
    public async Task PostOrders_StoreServerErrors_Replays500()
    {
        await using var host = await SampleHost.StartAsync(b => b.Services.Configure<IdempotencyMiddlewareOptions>(o => o.StoreServerErrors = true));
        var key = Requests.NewKey();

        var first = await Answer.SendAsync(host.Client, Requests.Post("/orders?status=500", key));
        var retry = await Answer.SendAsync(host.Client, Requests.Post("/orders?status=500", key));
        var stillTransient = await Answer.SendAsync(host.Client, Requests.Post("/orders?status=429", key + "-429"));
        var stillTransientRetry = await Answer.SendAsync(host.Client, Requests.Post("/orders?status=429", key + "-429"));

        Assert.Equal(HttpStatusCode.InternalServerError, retry.Status);
        Assert.True(retry.IsReplayed);
        Assert.Equal(first.Body, retry.Body);
        Assert.False(stillTransientRetry.IsReplayed);
        Assert.Equal(HttpStatusCode.TooManyRequests, stillTransient.Status);
        Assert.Equal((3, 0), await host.GetRunsAsync());
    }

    [Fact]
    public async Task PostOrders_StoreOnlySuccessfulResponses_ReleasesOn4xx()
    {
        await using var host = await SampleHost.StartAsync(b => b.Services.Configure<IdempotencyMiddlewareOptions>(o => o.StoreOnlySuccessfulResponses = true));
        var key = Requests.NewKey();

        await Answer.SendAsync(host.Client, Requests.Post("/orders?status=404", key));
        var retry404 = await Answer.SendAsync(host.Client, Requests.Post("/orders?status=404", key));
        var created = await Answer.SendAsync(host.Client, Requests.Post("/orders", key + "-ok"));
        var createdRetry = await Answer.SendAsync(host.Client, Requests.Post("/orders", key + "-ok"));

        Assert.False(retry404.IsReplayed);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.True(createdRetry.IsReplayed);
        Assert.Equal((3, 0), await host.GetRunsAsync());
    }
}
