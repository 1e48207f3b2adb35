using System.Net;

namespace Idempotency.AspNetCore.Tests;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task PostOrders_100ParallelIdenticalRequests_RunOnceAndAnswer409OrTheIdenticalReplay()
    {
        await using var host = await SampleHost.StartAsync();
        var key = Requests.NewKey();
        using var start = new ManualResetEventSlim();

        var tasks = Enumerable.Range(0, 100).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            // Long enough that on a loaded 2-core machine the other 99 arrive while the first still runs.
            return await Answer.SendAsync(host.Client, Requests.Post("/orders?delayMs=2000", key));
        })).ToArray();
        start.Set();
        var answers = await Task.WhenAll(tasks);

        Assert.Equal((1, 0), await host.GetRunsAsync());
        var executed = Assert.Single(answers, a => a.Status == HttpStatusCode.Created && !a.IsReplayed);
        foreach (var answer in answers.Where(a => !ReferenceEquals(a, executed)))
        {
            if (answer.Status == HttpStatusCode.Conflict)
            {
                Assert.Equal(ProblemTypes.InProgress, answer.ProblemType);
                Assert.Equal("1", answer.Header("Retry-After"));
            }
            else
            {
                Assert.Equal(HttpStatusCode.Created, answer.Status);
                Assert.True(answer.IsReplayed);
                Assert.Equal(executed.Body, answer.Body);
                Assert.Equal(executed.Header("Location"), answer.Header("Location"));
            }
        }

        Assert.Contains(answers, a => a.Status == HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task PostOrders_100ParallelDistinctKeys_RunEach()
    {
        await using var host = await SampleHost.StartAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(() =>
            Answer.SendAsync(host.Client, Requests.Post("/orders", Requests.NewKey())))));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.Status));
        Assert.Equal(100, answers.Select(a => a.Json.GetProperty("id").GetString()).Distinct().Count());
        Assert.Equal((100, 0), await host.GetRunsAsync());
    }
}
