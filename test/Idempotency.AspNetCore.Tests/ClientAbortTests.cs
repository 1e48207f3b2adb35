using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Idempotency.AspNetCore.Tests;

// Found by attack: a client that went away after the response had started (the handler had done its work and was
// streaming the result) released the key, so its retry ran the handler a second time. The key is now marked not stored.
public sealed class ClientAbortTests
{
    [Fact]
    public async Task AbortAfterResponseStarted_RetryGets424AndHandlerRanOnce()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await TestApp.StartAsync((app, runs) => app.MapPost("/export", async (HttpContext context) =>
        {
            runs.Ran("export");
            await context.Response.WriteAsync("first part of the result,");
            await context.Response.Body.FlushAsync();
            started.SetResult();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }).RequireIdempotency());

        using (var cancel = new CancellationTokenSource())
        {
            var response = await app.Client.SendAsync(Requests.Post("/export", "k-1"), HttpCompletionOption.ResponseHeadersRead, cancel.Token);
            await started.Task;
            await cancel.CancelAsync();
            response.Dispose();
        }

        var retry = await Answer.SendWhileInProgressAsync(app.Client, () => Requests.Post("/export", "k-1"));

        Assert.Equal(HttpStatusCode.FailedDependency, retry.Status);
        Assert.Equal(ProblemTypes.ResponseNotStored, retry.ProblemType);
        Assert.Contains("disconnected", retry.Text, StringComparison.Ordinal);
        Assert.Equal(1, app.Runs["export"]);
    }
}
