using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Idempotency.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Idempotency.AspNetCore.Tests;

// Every rejection is decided by the engine and counted once, by outcome, with a span — including the ones the middleware
// used to answer by itself (malformed header, missing key on a required endpoint, 413). Endpoints are named by route.
public sealed class RejectionTelemetryTests : IAsyncLifetime
{
    private readonly FaultInjectingIdempotencyStore _store = new(new InMemoryIdempotencyStore());
    private readonly ConcurrentQueue<Activity> _spans = new();
    private ActivityListener? _listener;
    private TestApp _app = null!;
    private MetricCollector<long> _requests = null!;

    public async Task InitializeAsync()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == IdempotencyTelemetry.Name,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
        _app = await TestApp.StartAsync(
            (app, runs) =>
            {
                app.MapPost("/telemetry/{tenant}", (string tenant) => Results.Text(runs.Ran("orders").ToString(System.Globalization.CultureInfo.InvariantCulture))).RequireIdempotency();
                app.MapPost("/large", () =>
                {
                    runs.Ran("large");
                    return Results.Text(new string('x', 200));
                }).RequireIdempotency();
                app.MapPost("/short", () => Results.Text(runs.Ran("short").ToString(System.Globalization.CultureInfo.InvariantCulture))).RequireIdempotency();
            },
            http: o =>
            {
                o.MaxRequestBodySize = 64;
                o.MaxResponseBodySize = 100;
            },
            core: o =>
            {
                o.DefaultPolicy.StoreUnavailableRetryAfter = TimeSpan.FromSeconds(5);
                o.OperationTtls["/short"] = TimeSpan.FromMinutes(1);
            },
            services: s => s.AddSingleton<IIdempotencyStore>(_store));
        _requests = new MetricCollector<long>(_app.Services.GetRequiredService<IMeterFactory>(), IdempotencyTelemetry.Name, IdempotencyTelemetry.RequestsInstrument);
    }

    public async Task DisposeAsync()
    {
        _listener?.Dispose();
        _requests.Dispose();
        await _app.DisposeAsync();
    }

    public static TheoryData<string, int, string> Rejections => new()
    {
        { "malformed-header", 400, "key_invalid" },
        { "missing-key", 400, "key_missing" },
        { "body-too-large", 413, "payload_too_large" },
        { "store-down", 503, "store_unavailable" },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public async Task Rejection_IsCountedOnceByOutcomeWithASpanNamedByTheRoute(string rejection, int status, string outcome)
    {
        var request = rejection switch
        {
            "malformed-header" => Requests.Post("/telemetry/acme", "\"a\", \"b\""),
            "missing-key" => Requests.Post("/telemetry/acme", key: null),
            "body-too-large" => Requests.Post("/telemetry/acme", Requests.NewKey(), body: new string('x', 65)),
            _ => Requests.Post("/telemetry/acme", Requests.NewKey()),
        };
        if (rejection == "store-down")
        {
            _store.ThrowUnavailable(IdempotencyStoreOperation.Claim);
        }

        var answer = await _app.SendAsync(request);

        Assert.Equal((HttpStatusCode)status, answer.Status);
        Assert.Equal(0, _app.Runs["orders"]);
        var counted = Assert.Single(_requests.GetMeasurementSnapshot());
        Assert.Equal(1, counted.Value);
        Assert.Equal(outcome, counted.Tags[IdempotencyTelemetry.OutcomeTag]);
        Assert.Equal("/telemetry/{tenant}", counted.Tags[IdempotencyTelemetry.OperationTag]);
        // The listener hears every test running in parallel: this app's spans are the ones named by its route.
        var span = Assert.Single(_spans, s => s.OperationName == IdempotencyTelemetry.ExecuteActivityName && Equals(s.GetTagItem(IdempotencyTelemetry.OperationTag), "/telemetry/{tenant}"));
        Assert.Equal(outcome, span.GetTagItem(IdempotencyTelemetry.OutcomeTag));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        if (rejection == "store-down")
        {
            Assert.Equal("5", answer.Header("Retry-After")); // the policy's StoreUnavailableRetryAfter, not a fixed 1 s
        }
    }

    // Found by review: a 424 for a response that was not stored was counted and logged as "replayed".
    [Fact]
    public async Task ResponseNotStored_IsCountedAsResultNotStoredNotReplayed()
    {
        var key = Requests.NewKey();
        await _app.SendAsync(Requests.Post("/large", key));

        var retry = await _app.SendAsync(Requests.Post("/large", key));

        Assert.Equal(HttpStatusCode.FailedDependency, retry.Status);
        var outcomes = _requests.GetMeasurementSnapshot().Where(m => Equals(m.Tags[IdempotencyTelemetry.OperationTag], "/large")).Select(m => (string?)m.Tags[IdempotencyTelemetry.OutcomeTag]).ToList();
        Assert.Equal(["executed_not_stored", "result_not_stored"], outcomes);
        Assert.Equal(1, _app.Runs["large"]);
    }

    [Fact]
    public async Task OperationTtls_KeyedByRoutePattern_SetThatEndpointsTtlWhileTheStoreKeySpansTheApi()
    {
        var key = Requests.NewKey();

        var first = await _app.SendAsync(Requests.Post("/short", key));
        var record = await _app.Services.GetRequiredService<IIdempotencyAdministrator>().GetAsync(IdempotencyMiddlewareDefaults.OperationName, key, null, CancellationToken.None);
        var otherRoute = await _app.SendAsync(Requests.Post("/telemetry/acme", key));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.InRange(record!.ExpiresAt - record.CreatedAt, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1.1)); // not the 24 h default
        Assert.Equal(HttpStatusCode.UnprocessableEntity, otherRoute.Status); // one request per key across the API
        Assert.Equal(0, _app.Runs["orders"]);
    }
}
