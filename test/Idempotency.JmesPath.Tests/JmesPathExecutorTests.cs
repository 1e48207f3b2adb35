using System.Text.Json;

namespace Idempotency.JmesPath.Tests;

public sealed class JmesPathExecutorTests
{
    private const string Operation = "orders.charge";

    private readonly JmesPathKeySelector _selector = new("from_json(body).orderId", "from_json(body).[amount, currency]");

    [Fact]
    public async Task ExecuteAsync_TwoEventsWithSameSelectedKey_HandlerRunsOnce()
    {
        var executor = IdempotencyExecutor.Create();
        var runs = 0;
        ValueTask<string> Charge(CancellationToken cancellationToken) =>
            ValueTask.FromResult($"charged-{Interlocked.Increment(ref runs)}");

        // A redelivery: another envelope (request id, time), the same order with its fields in another order and spelling.
        var first = await executor.ExecuteAsync(_selector.CreateRequest(Operation, Event("req-1", """{"orderId":"o-1","amount":10,"currency":"EUR"}""")), Charge, CancellationToken.None);
        var second = await executor.ExecuteAsync(_selector.CreateRequest(Operation, Event("req-2", """{"currency":"EUR", "amount":10.0, "orderId":"o-1"}""")), Charge, CancellationToken.None);

        Assert.Equal(1, runs);
        Assert.Equal(new IdempotencyResult<string>("charged-1", IdempotencyOutcome.Executed), first);
        Assert.Equal(new IdempotencyResult<string>("charged-1", IdempotencyOutcome.Replayed), second);
    }

    [Fact]
    public async Task ExecuteAsync_SameKeyDifferentFingerprintFields_ThrowsKeyReused()
    {
        var executor = IdempotencyExecutor.Create();
        var runs = 0;
        ValueTask<string> Charge(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref runs);
            return ValueTask.FromResult("charged");
        }

        await executor.ExecuteAsync(_selector.CreateRequest(Operation, Event("req-1", """{"orderId":"o-1","amount":10,"currency":"EUR"}""")), Charge, CancellationToken.None);
        var reused = _selector.CreateRequest(Operation, Event("req-2", """{"orderId":"o-1","amount":11,"currency":"EUR"}"""));

        await Assert.ThrowsAsync<IdempotencyKeyReusedException>(async () => await executor.ExecuteAsync(reused, Charge, CancellationToken.None));
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task ExecuteAsync_DifferentSelectedKeys_HandlerRunsForEach()
    {
        var executor = IdempotencyExecutor.Create();
        var runs = 0;
        ValueTask<int> Charge(CancellationToken cancellationToken) => ValueTask.FromResult(Interlocked.Increment(ref runs));

        var first = await executor.ExecuteAsync(_selector.CreateRequest(Operation, Event("req-1", """{"orderId":"o-1","amount":10,"currency":"EUR"}""")), Charge, CancellationToken.None);
        var second = await executor.ExecuteAsync(_selector.CreateRequest(Operation, Event("req-2", """{"orderId":"o-2","amount":10,"currency":"EUR"}""")), Charge, CancellationToken.None);

        Assert.Equal(2, runs);
        Assert.Equal(new IdempotencyResult<int>(1, IdempotencyOutcome.Executed), first);
        Assert.Equal(new IdempotencyResult<int>(2, IdempotencyOutcome.Executed), second);
    }

    [Fact]
    public async Task ExecuteAsync_ConcurrentRedeliveries_HandlerRunsOnceAndAllSeeItsResult()
    {
        var options = new IdempotencyOptions();
        options.DefaultPolicy.InProgressWait = TimeSpan.FromSeconds(10);
        var executor = IdempotencyExecutor.Create(options);
        var runs = 0;
        async ValueTask<string> Charge(CancellationToken cancellationToken)
        {
            var run = Interlocked.Increment(ref runs);
            await Task.Delay(100, cancellationToken);
            return $"charged-{run}";
        }

        const int Deliveries = 16;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var deliveries = Enumerable.Range(0, Deliveries).Select(i => Task.Run(async () =>
        {
            var request = _selector.CreateRequest(Operation, Event($"req-{i}", """{"orderId":"o-1","amount":10,"currency":"EUR"}"""));
            await start.Task;
            return await executor.ExecuteAsync(request, Charge, CancellationToken.None);
        })).ToArray();
        start.SetResult();
        var results = await Task.WhenAll(deliveries);

        Assert.Equal(1, runs);
        Assert.All(results, r => Assert.Equal("charged-1", r.Value));
        Assert.Equal(1, results.Count(r => r.Outcome == IdempotencyOutcome.Executed));
        Assert.Equal(Deliveries - 1, results.Count(r => r.Outcome == IdempotencyOutcome.Replayed));
    }

    [Fact]
    public async Task ExecuteAsync_NoKeySelectedAndKeyRequired_ThrowsKeyMissingWithoutRunning()
    {
        var executor = IdempotencyExecutor.Create();
        var runs = 0;
        var request = _selector.CreateRequest(Operation, Event("req-1", """{"amount":10,"currency":"EUR"}"""));

        await Assert.ThrowsAsync<IdempotencyKeyMissingException>(async () =>
            await executor.ExecuteAsync(request, _ => ValueTask.FromResult(Interlocked.Increment(ref runs)), CancellationToken.None));
        Assert.Equal(0, runs);
    }

    [Fact]
    public async Task ExecuteAsync_NoKeySelectedAndKeyOptional_RunsEveryTimeWithoutKey()
    {
        var options = new IdempotencyOptions();
        options.DefaultPolicy.KeyRequirement = KeyRequirement.Optional;
        var executor = IdempotencyExecutor.Create(options);
        var runs = 0;
        var request = _selector.CreateRequest(Operation, Event("req-1", """{"amount":10,"currency":"EUR"}"""));

        var first = await executor.ExecuteAsync(request, _ => ValueTask.FromResult(Interlocked.Increment(ref runs)), CancellationToken.None);
        var second = await executor.ExecuteAsync(request, _ => ValueTask.FromResult(Interlocked.Increment(ref runs)), CancellationToken.None);

        Assert.Equal(2, runs);
        Assert.Equal(new IdempotencyResult<int>(1, IdempotencyOutcome.ExecutedWithoutKey), first);
        Assert.Equal(new IdempotencyResult<int>(2, IdempotencyOutcome.ExecutedWithoutKey), second);
    }

    [Fact]
    public async Task ExecuteAsync_CompositeKeyPerUser_UsersDoNotShareAnOrderId()
    {
        var selector = new JmesPathKeySelector("from_json(body).[userId, orderId]");
        var executor = IdempotencyExecutor.Create();
        var runs = 0;
        ValueTask<int> Handle(CancellationToken cancellationToken) => ValueTask.FromResult(Interlocked.Increment(ref runs));

        var a = await executor.ExecuteAsync(selector.CreateRequest(Operation, Event("r1", """{"userId":"a:b","orderId":"c"}""")), Handle, CancellationToken.None);
        var b = await executor.ExecuteAsync(selector.CreateRequest(Operation, Event("r2", """{"userId":"a","orderId":"b:c"}""")), Handle, CancellationToken.None);
        var again = await executor.ExecuteAsync(selector.CreateRequest(Operation, Event("r3", """{"orderId":"c","userId":"a:b"}""")), Handle, CancellationToken.None);

        Assert.Equal(2, runs);
        Assert.Equal(IdempotencyOutcome.Executed, a.Outcome);
        Assert.Equal(IdempotencyOutcome.Executed, b.Outcome);
        Assert.Equal(new IdempotencyResult<int>(1, IdempotencyOutcome.Replayed), again);
    }

    /// <summary>An API-gateway-style envelope whose body is a JSON string.</summary>
    private static byte[] Event(string requestId, string body) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["httpMethod"] = "POST",
            ["requestContext"] = new Dictionary<string, string> { ["requestId"] = requestId },
            ["body"] = body,
        });
}
