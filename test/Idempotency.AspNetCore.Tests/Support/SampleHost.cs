using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrdersApi;

namespace Idempotency.AspNetCore.Tests;

/// <summary>The OrdersApi sample on an in-memory test server (or on Kestrel, for multi-instance tests).</summary>
public sealed class SampleHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SampleHost(WebApplication app, HttpClient client)
    {
        _app = app;
        Client = client;
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// The sample's default store is a SQLite file that outlives the process; the tests use a fresh in-memory store per
    /// host unless their arguments name another (a later argument wins).
    /// </summary>
    private const string InMemoryStore = "--Idempotency:Store=memory";

    /// <summary>Starts the sample on a test server; <paramref name="configure"/> may replace services.</summary>
    public static async Task<SampleHost> StartAsync(Action<WebApplicationBuilder>? configure = null, params string[] args)
    {
        var app = OrdersApp.Build([InMemoryStore, .. args], builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Logging.ClearProviders();
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        return new SampleHost(app, app.GetTestClient());
    }

    /// <summary>Starts the sample on Kestrel at a free loopback port, as a real second instance would run.</summary>
    public static async Task<SampleHost> StartKestrelAsync(params string[] args)
    {
        var url = $"http://127.0.0.1:{Idempotency.TestServers.LoopbackPort.GetFree()}";
        var app = OrdersApp.Build([InMemoryStore, .. args, "--urls", url], builder => builder.Logging.ClearProviders());
        await app.StartAsync();
        return new SampleHost(app, new HttpClient { BaseAddress = new Uri(url) });
    }

    /// <summary>Reads <c>GET /stats</c>: how many times each handler really ran.</summary>
    public async Task<(int Orders, int Notes)> GetRunsAsync()
    {
        var stats = await Client.GetFromJsonAsync<Dictionary<string, int>>("/stats");
        Assert.NotNull(stats);
        Assert.Equal(["notes", "orders"], stats.Keys.Order());
        return (stats["orders"], stats["notes"]);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
