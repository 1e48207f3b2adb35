using Idempotency.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Idempotency.Tests.Telemetry;

// SPEC §8: meter "Idempotency" counts requests by outcome, times store calls and operations; no key is ever a tag.
public sealed class MetricsTests
{
    private const string RawKey = "raw-key-jane@example.com";

    // Found by trying the library as a user: with the documented OpenTelemetry set-up every duration fell in the first
    // of the SDK's default buckets (made for milliseconds). The histograms now advise boundaries in seconds.
    [Fact]
    public void DurationHistograms_AdviseBucketBoundariesInSeconds()
    {
        var advised = new Dictionary<string, IReadOnlyList<double>?>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (instrument.Meter.Name == IdempotencyTelemetry.Name && instrument is System.Diagnostics.Metrics.Histogram<double> histogram)
            {
                advised[instrument.Name] = histogram.Advice?.HistogramBucketBoundaries;
            }
        };
        listener.Start();

        using var harness = new EngineHarness();

        foreach (var name in (string[])[IdempotencyTelemetry.StoreDurationInstrument, IdempotencyTelemetry.OperationDurationInstrument])
        {
            var boundaries = Assert.IsAssignableFrom<IReadOnlyList<double>>(advised[name]);
            Assert.Equal(0.0005, boundaries[0]);
            Assert.Contains(0.005, boundaries);
            Assert.Equal(60, boundaries[^1]);
        }
    }

    [Fact]
    public async Task Requests_EveryOutcome_IsCountedWithOperationAndPolicyTags()
    {
        using var harness = new EngineHarness(o =>
        {
            o.AddPolicy("open", p => p.StoreFailureMode = StoreFailureMode.FailOpen);
            o.AddPolicy("optional", p => p.KeyRequirement = KeyRequirement.Optional);
            o.AddPolicy("remember", p => p.RememberFailure = _ => true);
        });
        var request = new IdempotencyRequest("orders", RawKey) { Fingerprint = "fp" };

        await harness.RunAsync(request, () => 1); // executed
        await harness.RunAsync(request, () => 1); // replayed
        await Expect<IdempotencyKeyReusedException>(harness.RunAsync(request with { Fingerprint = "other" }, () => 1));
        await Expect<IdempotencyKeyMissingException>(harness.RunAsync(request with { Key = null }, () => 1));
        await Expect<IdempotencyKeyInvalidException>(harness.RunAsync(request with { Key = "bad\nkey" }, () => 1));
        await harness.RunAsync(request with { Key = null, Policy = "optional" }, () => 1); // without_key
        await Expect<InvalidOperationException>(harness.RunAsync<int>(request with { Key = "failing", Policy = "remember" }, () => throw new InvalidOperationException()));
        await Expect<IdempotencyPreviouslyFailedException>(harness.RunAsync(request with { Key = "failing", Policy = "remember" }, () => 1));
        await using (var running = await Execution.BlockedRun.StartAsync(harness, request with { Key = "running" }, 1))
        {
            await Expect<IdempotencyRequestInProgressException>(harness.RunAsync(request with { Key = "running" }, () => 1));
        }

        harness.Faults.ThrowUnavailable(IdempotencyStoreOperation.Claim);
        await Expect<IdempotencyStoreUnavailableException>(harness.RunAsync(request with { Key = "down" }, () => 1));
        await harness.RunAsync(request with { Key = "down", Policy = "open" }, () => 1); // fail_open
        harness.Faults.Throw(IdempotencyStoreOperation.Claim, () => new IdempotencyRecordCorruptException("idem:x", "bad"));
        await Expect<IdempotencyRecordCorruptException>(harness.RunAsync(request with { Key = "corrupt" }, () => 1));

        var measurements = harness.Requests.GetMeasurementSnapshot();
        // "running" was executed too, once released.
        Assert.Equal(2, harness.CountOutcome("executed"));
        Assert.Equal(1, harness.CountOutcome("replayed"));
        Assert.Equal(1, harness.CountOutcome("key_reused"));
        Assert.Equal(1, harness.CountOutcome("key_missing"));
        Assert.Equal(1, harness.CountOutcome("key_invalid"));
        Assert.Equal(1, harness.CountOutcome("without_key"));
        Assert.Equal(1, harness.CountOutcome("previously_failed"));
        Assert.Equal(1, harness.CountOutcome("in_progress"));
        Assert.Equal(1, harness.CountOutcome("store_unavailable"));
        Assert.Equal(1, harness.CountOutcome("fail_open"));
        Assert.Equal(1, harness.CountOutcome("corrupt_record"));
        Assert.All(measurements, m =>
        {
            Assert.Equal("orders", m.Tags[IdempotencyTelemetry.OperationTag]);
            Assert.Contains((string?)m.Tags[IdempotencyTelemetry.PolicyTag], new[] { "default", "open", "optional", "remember" });
            Assert.Equal(1, m.Value);
        });
        Assert.Contains(measurements, m => (string?)m.Tags[IdempotencyTelemetry.PolicyTag] == "open" && (string?)m.Tags[IdempotencyTelemetry.OutcomeTag] == "fail_open");
    }

    [Fact]
    public async Task Requests_FailOpen_CountsOneOutcomePerRequest()
    {
        using var harness = new EngineHarness(o => o.DefaultPolicy.StoreFailureMode = StoreFailureMode.FailOpen);
        using var durations = new MetricCollector<double>(harness.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), IdempotencyTelemetry.Name, IdempotencyTelemetry.StoreDurationInstrument);
        harness.Faults.ThrowUnavailable(IdempotencyStoreOperation.Claim);

        await harness.RunAsync(new IdempotencyRequest("orders", "k1"), () => 1);

        Assert.Equal(1, harness.CountOutcome("fail_open"));
        Assert.Equal(0, harness.CountOutcome("store_unavailable"));
        Assert.Equal(1, harness.Requests.GetMeasurementSnapshot().Sum(m => m.Value));
        // The store failure itself stays visible on the store-call histogram (beside the release of the claim it may have written).
        var failure = Assert.Single(durations.GetMeasurementSnapshot(), m => m.Tags.ContainsKey(IdempotencyTelemetry.ErrorTag));
        Assert.Equal("store_unavailable", failure.Tags[IdempotencyTelemetry.ErrorTag]);
        Assert.Equal("claim", failure.Tags[IdempotencyTelemetry.StoreOperationTag]);
    }

    [Fact]
    public async Task StoreDuration_EachStoreCall_IsRecordedByOperationAndStore()
    {
        using var harness = new EngineHarness();
        using var durations = new MetricCollector<double>(harness.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), IdempotencyTelemetry.Name, IdempotencyTelemetry.StoreDurationInstrument);

        await harness.RunAsync(new IdempotencyRequest("orders", RawKey), () => 1);
        await harness.RunAsync(new IdempotencyRequest("orders", RawKey), () => 1);
        harness.Faults.ThrowUnavailable(IdempotencyStoreOperation.Claim);
        await Expect<IdempotencyStoreUnavailableException>(harness.RunAsync(new IdempotencyRequest("orders", "down"), () => 1));

        var measurements = durations.GetMeasurementSnapshot();
        Assert.Equal(5, measurements.Count);
        Assert.Equal(3, measurements.Count(m => (string?)m.Tags[IdempotencyTelemetry.StoreOperationTag] == "claim"));
        Assert.Equal(1, measurements.Count(m => (string?)m.Tags[IdempotencyTelemetry.StoreOperationTag] == "complete"));
        Assert.Equal(1, measurements.Count(m => (string?)m.Tags[IdempotencyTelemetry.StoreOperationTag] == "release")); // of the failed claim
        Assert.All(measurements, m =>
        {
            Assert.Equal(nameof(CountingIdempotencyStore), m.Tags[IdempotencyTelemetry.StoreTag]);
            Assert.True(m.Value >= 0);
        });
        Assert.Single(measurements, m => m.Tags.ContainsKey(IdempotencyTelemetry.ErrorTag));
    }

    [Fact]
    public async Task OperationDuration_Execution_IsRecordedWithOutcome()
    {
        using var harness = new EngineHarness();
        using var durations = new MetricCollector<double>(harness.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), IdempotencyTelemetry.Name, IdempotencyTelemetry.OperationDurationInstrument);

        await harness.RunAsync(new IdempotencyRequest("orders", RawKey), () => 1);
        await harness.RunAsync(new IdempotencyRequest("orders", RawKey), () => 1);

        var measurement = Assert.Single(durations.GetMeasurementSnapshot());
        Assert.Equal("executed", measurement.Tags[IdempotencyTelemetry.OutcomeTag]);
        Assert.Equal("orders", measurement.Tags[IdempotencyTelemetry.OperationTag]);
    }

    [Fact]
    public async Task Tags_NeverHoldTheRawKeyOrScope()
    {
        using var harness = new EngineHarness();
        using var all = new MetricCollector<double>(harness.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), IdempotencyTelemetry.Name, IdempotencyTelemetry.StoreDurationInstrument);
        var request = new IdempotencyRequest("orders", RawKey) { Scope = "tenant-acme" };

        await harness.RunAsync(request, () => 1);
        await harness.RunAsync(request, () => 1);

        var values = harness.Requests.GetMeasurementSnapshot().SelectMany(m => m.Tags.Values)
            .Concat(all.GetMeasurementSnapshot().SelectMany(m => m.Tags.Values))
            .Select(v => v?.ToString() ?? string.Empty)
            .ToList();
        Assert.NotEmpty(values);
        Assert.DoesNotContain(values, v => v.Contains("jane", StringComparison.Ordinal) || v.Contains("acme", StringComparison.Ordinal));
    }

    private static async Task Expect<TException>(ValueTask<IdempotencyResult<int>> call)
        where TException : Exception => await Assert.ThrowsAsync<TException>(() => call.AsTask());
}
