#region snippet: telemetry-opentelemetry
using Idempotency;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
#endregion

namespace Snippets;

internal static class OpenTelemetrySetup
{
    public static void Configure(WebApplicationBuilder builder)
    {
        #region snippet: telemetry-opentelemetry
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()        // the server span, parent of the idempotency span: required (see below)
                .AddSource(IdempotencyTelemetry.Name)  // ActivitySource "Idempotency": the Idempotency.Execute span
                .AddOtlpExporter())
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddMeter(IdempotencyTelemetry.Name)   // Meter "Idempotency": idempotency.requests, … (table above)
                .AddOtlpExporter());
        #endregion
    }
}
