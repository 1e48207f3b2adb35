using Microsoft.AspNetCore.TestHost;

namespace Idempotency.Docs.Tests;

/// <summary>A minimal API on a test server, in a given environment, to check what the documentation says of one.</summary>
internal static class TestApp
{
    public static async Task<WebApplication> StartAsync(string environment, Action<WebApplicationBuilder> configure, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseTestServer();
        builder.Logging.SetMinimumLevel(LogLevel.Critical);   // quiet, but enabled: the host still starts its request activity, as in any app
        builder.Services.AddIdempotency().AddIdempotencyMiddleware();
        configure(builder);

        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return app;
    }

    public static HttpRequestMessage Post(string path, string key, string json) => new(HttpMethod.Post, path)
    {
        Headers = { { "Idempotency-Key", key } },
        Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
    };
}
