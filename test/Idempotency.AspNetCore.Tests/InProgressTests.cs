using System.Net;

namespace Idempotency.AspNetCore.Tests;

public sealed class InProgressTests : IAsyncLifetime
{
    private SampleHost _host = null!;

    public async Task InitializeAsync() => _host = await SampleHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task PostOrders_SameKeyWhileFirstRuns_Returns409WithRetryAfterThenReplays()
    {
        var key = Requests.NewKey();
        var firstTask = Answer.SendAsync(_host.Client, Requests.Post("/orders?delayMs=1500", key));
        await WaitForRunsAsync(1);

        var concurrent = await Answer.SendAsync(_host.Client, Requests.Post("/orders?delayMs=1500", key));
        var first = await firstTask;
        var after = await Answer.SendAsync(_host.Client, Requests.Post("/orders?delayMs=1500", key));

        Assert.Equal(HttpStatusCode.Conflict, concurrent.Status);
        Assert.Equal(ProblemTypes.InProgress, concurrent.ProblemType);
        Assert.Equal("1", concurrent.Header("Retry-After"));
        Assert.Null(concurrent.Header("Idempotent-Replayed"));
        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.True(after.IsReplayed);
        Assert.Equal(first.Body, after.Body);
        Assert.Equal((1, 0), await _host.GetRunsAsync());
    }

    [Fact]
    public async Task PostOrders_ReusedKeyWhileFirstRuns_Returns422NotConflict()
    {
        var key = Requests.NewKey();
        var firstTask = Answer.SendAsync(_host.Client, Requests.Post("/orders?delayMs=1000", key));
        await WaitForRunsAsync(1);

        var reused = await Answer.SendAsync(_host.Client, Requests.Post("/orders?delayMs=1000", key, """{"item":"other","quantity":1}"""));
        await firstTask;

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.Status);
        Assert.Equal(ProblemTypes.KeyReused, reused.ProblemType);
    }

    private async Task WaitForRunsAsync(int orders)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await _host.GetRunsAsync()).Orders < orders)
        {
            Assert.True(DateTime.UtcNow < deadline, "The first request never started.");
            await Task.Delay(10);
        }
    }
}
