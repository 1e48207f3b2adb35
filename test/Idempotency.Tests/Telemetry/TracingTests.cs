using System.Collections.Concurrent;
using System.Diagnostics;
using Idempotency.Testing;

namespace Idempotency.Tests.Telemetry;

// SPEC §8: ActivitySource "Idempotency", one span per execution with outcome, policy and store tags.
public sealed class TracingTests : IDisposable
{
    // Spans are global: each test uses its own operation name and only looks at its spans.
    private readonly string _operation = "trace-" + Guid.NewGuid().ToString("N");
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ActivityListener _listener;

    public TracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == IdempotencyTelemetry.Name,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if ((string?)activity.GetTagItem(IdempotencyTelemetry.OperationTag) == _operation)
                {
                    _spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [Fact]
    public async Task ExecuteAsync_FirstRunThenReplay_OneSpanEachWithOutcome()
    {
        using var harness = new EngineHarness();
        var request = new IdempotencyRequest(_operation, "raw-key-jane");

        await harness.RunAsync(request, () => 1);
        await harness.RunAsync(request, () => 1);

        var spans = _spans.ToArray();
        Assert.Equal(2, spans.Length);
        Assert.All(spans, span =>
        {
            Assert.Equal(IdempotencyTelemetry.ExecuteActivityName, span.OperationName);
            Assert.Equal("default", span.GetTagItem(IdempotencyTelemetry.PolicyTag));
            Assert.Equal(nameof(CountingIdempotencyStore), span.GetTagItem(IdempotencyTelemetry.StoreTag));
            Assert.DoesNotContain(span.TagObjects, tag => tag.Value?.ToString()?.Contains("jane", StringComparison.Ordinal) == true);
        });
        Assert.Equal("executed", spans[0].GetTagItem(IdempotencyTelemetry.OutcomeTag));
        Assert.Equal("replayed", spans[1].GetTagItem(IdempotencyTelemetry.OutcomeTag));
    }

    [Fact]
    public async Task ExecuteAsync_RejectedRequest_SpanHasOutcomeAndErrorStatus()
    {
        using var harness = new EngineHarness();
        var request = new IdempotencyRequest(_operation, "k1") { Fingerprint = "a" };
        await harness.RunAsync(request, () => 1);

        await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() => harness.RunAsync(request with { Fingerprint = "b" }, () => 1).AsTask());

        var span = _spans.ToArray()[^1];
        Assert.Equal("key_reused", span.GetTagItem(IdempotencyTelemetry.OutcomeTag));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
    }

    [Fact]
    public async Task ExecuteAsync_InProgress_SpanHasOutcome()
    {
        using var harness = new EngineHarness();
        var request = new IdempotencyRequest(_operation, "k1");
        await using var first = await Execution.BlockedRun.StartAsync(harness, request, 1);

        await Assert.ThrowsAsync<IdempotencyRequestInProgressException>(() => harness.RunAsync(request, () => 1).AsTask());

        var span = Assert.Single(_spans);
        Assert.Equal("in_progress", span.GetTagItem(IdempotencyTelemetry.OutcomeTag));
    }

    [Fact]
    public async Task ExecuteAsync_OperationThrows_SpanHasErrorStatus()
    {
        using var harness = new EngineHarness();

        await Assert.ThrowsAsync<TimeoutException>(() => harness.RunAsync<int>(new IdempotencyRequest(_operation, "k1"), () => throw new TimeoutException()).AsTask());

        var span = Assert.Single(_spans);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
    }

    [Fact]
    public async Task ExecuteAsync_WithoutKeyAndFailOpen_SpansHaveOutcome()
    {
        using var harness = new EngineHarness(o =>
        {
            o.DefaultPolicy.KeyRequirement = KeyRequirement.Optional;
            o.DefaultPolicy.StoreFailureMode = StoreFailureMode.FailOpen;
        });
        await harness.RunAsync(new IdempotencyRequest(_operation, null), () => 1);
        harness.Faults.ThrowUnavailable(IdempotencyStoreOperation.Claim);
        await harness.RunAsync(new IdempotencyRequest(_operation, "k1"), () => 1);

        var outcomes = _spans.Select(s => s.GetTagItem(IdempotencyTelemetry.OutcomeTag)).ToArray();
        Assert.Equal(["without_key", "fail_open"], outcomes);
    }

    public void Dispose() => _listener.Dispose();
}
