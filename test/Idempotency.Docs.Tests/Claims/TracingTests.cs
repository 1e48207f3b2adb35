using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Idempotency.Docs.Tests;

/// <summary>docs/telemetry.md, "OpenTelemetry": which spans the SDK records, and the trace id inside replayed problem bodies.</summary>
public sealed class TracingTests
{
    [Fact]
    public async Task IdempotencySpan_WithAspNetCoreInstrumentation_IsRecordedUnderTheServerSpan()
    {
        var spans = await RecordAsync(tracing => tracing.AddAspNetCoreInstrumentation(), serverSpan: true);

        var server = Assert.Single(spans, span => span.Source.Name == "Microsoft.AspNetCore");
        var execute = Assert.Single(spans, IsThisAppsExecuteSpan);
        Assert.Equal(server.SpanId, execute.ParentSpanId);
        Assert.Equal(server.TraceId, execute.TraceId);
    }

    [Fact]
    public async Task IdempotencySpan_WithTheAspNetCoreSourceOnly_IsRecorded()
    {
        var spans = await RecordAsync(tracing => tracing.AddSource("Microsoft.AspNetCore"), serverSpan: true);

        Assert.Single(spans, IsThisAppsExecuteSpan);
    }

    [Fact]
    public async Task IdempotencySpan_WithoutTheServerSpan_IsNotRecorded()
    {
        // The host still starts its request activity (logging is on), but nobody samples it, so the parent-based sampler
        // drops its child: the idempotency span.
        var spans = await RecordAsync(_ => { }, serverSpan: false);

        Assert.DoesNotContain(spans, IsThisAppsExecuteSpan);
    }

    [Fact]
    public async Task ReplayedProblemBody_KeepsTheFirstRequestsTraceId()
    {
        await using var app = await TestApp.StartAsync("Production", builder => builder.Services.AddProblemDetails(), app =>
        {
            app.UseIdempotency();
            app.MapPost("/traced", () => Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid order")).RequireIdempotency();
        });
        var client = app.GetTestClient();

        var first = await SendAsync(client, "00-11111111111111111111111111111111-1111111111111111-01");
        var replay = await SendAsync(client, "00-22222222222222222222222222222222-2222222222222222-01");
        var reused = await SendAsync(client, "00-33333333333333333333333333333333-3333333333333333-01", body: "{\"other\":true}");

        Assert.Equal(first, replay);                                                  // the stored bytes, traceId included
        Assert.Contains("11111111111111111111111111111111", TraceId(replay), StringComparison.Ordinal);
        Assert.Contains("33333333333333333333333333333333", TraceId(reused), StringComparison.Ordinal); // the middleware's own answer is this request's
    }

    private static bool IsThisAppsExecuteSpan(Activity span) =>
        span.OperationName == IdempotencyTelemetry.ExecuteActivityName && (span.GetTagItem(IdempotencyTelemetry.OperationTag) as string) == "/traced";

    private static async Task<List<Activity>> RecordAsync(Action<TracerProviderBuilder> configure, bool serverSpan)
    {
        var spans = new SpanRecorder();
        await using (var app = await TestApp.StartAsync("Production", builder => builder.Services.AddOpenTelemetry().WithTracing(tracing =>
        {
            configure(tracing);
            tracing.AddSource(IdempotencyTelemetry.Name).AddProcessor(spans);
        }), app =>
        {
            app.UseIdempotency();
            app.MapPost("/traced", () => Results.Created("/traced/1", null)).RequireIdempotency();
        }))
        {
            using var response = await app.GetTestClient().SendAsync(TestApp.Post("/traced", "k-1", "{}"));
            Assert.Equal(StatusCodes.Status201Created, (int)response.StatusCode);

            // The host ends its request span after the client has the response: wait for it before the provider goes.
            for (var waited = 0; serverSpan && waited < 5_000 && !spans.Exported.Any(span => span.Source.Name == "Microsoft.AspNetCore"); waited += 10)
            {
                await Task.Delay(10);
            }
        }

        return [.. spans.Exported];
    }

    private static async Task<string> SendAsync(HttpClient client, string traceparent, string body = "{}")
    {
        using var request = TestApp.Post("/traced", "k-1", body);
        request.Headers.Add("traceparent", traceparent);
        using var response = await client.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>What an exporter would export: the spans the sampler recorded.</summary>
    private sealed class SpanRecorder : BaseProcessor<Activity>
    {
        public ConcurrentQueue<Activity> Exported { get; } = new();

        public override void OnEnd(Activity data)
        {
            if (data.Recorded)
            {
                Exported.Enqueue(data);
            }
        }
    }

    private static string TraceId(string problem) => JsonDocument.Parse(problem).RootElement.GetProperty("traceId").GetString()!;
}
