#region snippet: telemetry-health
using Microsoft.Extensions.Diagnostics.HealthChecks;
#endregion

namespace Snippets;

internal static class TelemetryHealth
{
    public static void Configure(IServiceCollection services)
    {
        #region snippet: telemetry-health
        services.AddHealthChecks().AddIdempotencyStore();                  // name "idempotency-store"
        services.AddHealthChecks().AddIdempotencyStore("orders-store", HealthStatus.Degraded, tags: ["ready"]);
        #endregion
    }
}
