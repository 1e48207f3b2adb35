using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Idempotency.Http.Tests;

/// <summary>Puts a recorder in front of the sample's whole pipeline, so tests see every request exactly as it arrived.</summary>
internal sealed class RecordingStartupFilter(ServerLog log) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            log.Add(context.Request);
            return nextMiddleware(context);
        });
        next(app);
    };
}
