namespace Idempotency.DynamoDB.Tests;

/// <summary>Exactly once, counted: many executors (as many instances would) run one key at once on real threads.</summary>
[Collection(DynaliteCollection.Name)]
public sealed class ConcurrencyTests(DynaliteFixture dynalite)
{
    [Fact]
    public async Task ExecuteAsync_ConcurrentIdenticalRequests_RunOnceAndEveryOtherCallerIsToldSo()
    {
        const int Callers = 32;
        var request = new IdempotencyRequest("concurrent", Guid.NewGuid().ToString("N"));
        var runs = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Each caller has its own executor and store object over the same table, like separate instances.
        var callers = Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            var executor = IdempotencyExecutor.Create(new IdempotencyOptions { ServiceName = "dynamodb-tests" }, new DynamoDbIdempotencyStore(dynalite.Client, new DynamoDbStoreOptions { TableName = DynaliteFixture.SharedTable }));
            await release.Task;
            try
            {
                var result = await executor.ExecuteAsync(request, async ct => { Interlocked.Increment(ref runs); await Task.Delay(200, ct); return "done"; }, default);
                return result.IsReplayed ? "replayed" : "executed";
            }
            catch (IdempotencyRequestInProgressException)
            {
                return "in-progress";
            }
        })).ToArray();
        release.SetResult();
        var outcomes = await Task.WhenAll(callers);

        Assert.Equal(1, runs);
        Assert.Equal(1, outcomes.Count(o => o == "executed"));
        Assert.Equal(Callers - 1, outcomes.Count(o => o is "in-progress" or "replayed"));
    }
}
