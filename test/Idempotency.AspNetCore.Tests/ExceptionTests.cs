using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace Idempotency.AspNetCore.Tests;

public sealed class ExceptionTests
{
    [Fact]
    public async Task PostOrders_HandlerThrows_KeyIsReleasedAndRetryRunsAgain()
    {
        await using var host = await SampleHost.StartAsync();
        var key = Requests.NewKey();

        var failed = await Answer.SendAsync(host.Client, Requests.Post("/orders?fail=true", key));
        var retry = await Answer.SendAsync(host.Client, Requests.Post("/orders?fail=true", key));

        Assert.Equal(HttpStatusCode.InternalServerError, failed.Status);
        Assert.Equal(HttpStatusCode.InternalServerError, retry.Status);
        Assert.False(retry.IsReplayed);
        Assert.Equal((2, 0), await host.GetRunsAsync());
    }

    [Fact]
    public async Task PostOrders_PolicyRemembersFailure_RetryGets424WithoutRunning()
    {
        await using var host = await SampleHost.StartAsync(b => b.Services.Configure<IdempotencyOptions>(o =>
            o.DefaultPolicy.RememberFailure = ex => ex is InvalidOperationException));
        var key = Requests.NewKey();

        var failed = await Answer.SendAsync(host.Client, Requests.Post("/orders?fail=true", key));
        var retry = await Answer.SendAsync(host.Client, Requests.Post("/orders?fail=true", key));

        Assert.Equal(HttpStatusCode.InternalServerError, failed.Status);
        Assert.Equal(HttpStatusCode.FailedDependency, retry.Status);
        Assert.Equal(ProblemTypes.PreviouslyFailed, retry.ProblemType);
        Assert.DoesNotContain("fail=true", retry.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(InvalidOperationException), retry.Text, StringComparison.Ordinal);
        Assert.Equal((1, 0), await host.GetRunsAsync());
    }

    [Fact]
    public async Task PostOrders_ClientAbortsDuringHandler_KeyIsReleasedAndRetryRuns()
    {
        await using var host = await SampleHost.StartAsync();
        var key = Requests.NewKey();
        const string path = "/orders?delayMs=1500";
        using (var cancel = new CancellationTokenSource())
        {
            var aborted = host.Client.SendAsync(Requests.Post(path, key), cancel.Token);
            while ((await host.GetRunsAsync()).Orders == 0)
            {
                await Task.Delay(10);
            }

            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => aborted);
        }

        // The handler sees the abort and throws; the key is released, so once that is done the retry runs.
        var retry = await Answer.SendWhileInProgressAsync(host.Client, () => Requests.Post(path, key));

        Assert.Equal(HttpStatusCode.Created, retry.Status);
        Assert.False(retry.IsReplayed);
        Assert.Equal((2, 0), await host.GetRunsAsync());
    }
}
