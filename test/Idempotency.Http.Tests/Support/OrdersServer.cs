using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrdersApi;

namespace Idempotency.Http.Tests;

/// <summary>
/// The OrdersApi sample (real Idempotency-Key middleware, in-memory store) on an in-process test server — or on
/// Kestrel at a loopback port for what the test server cannot do (synchronous sends) — with a recorder of every request
/// it receives. One per test, so run counts start at zero.
/// </summary>
public sealed class OrdersServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Func<HttpMessageHandler> _primaryHandler;
    private readonly HttpClient _plainClient;

    private OrdersServer(WebApplication app, ServerLog log, Uri baseAddress, Func<HttpMessageHandler> primaryHandler)
    {
        _app = app;
        Log = log;
        BaseAddress = baseAddress;
        _primaryHandler = primaryHandler;
        _plainClient = new HttpClient(primaryHandler()) { BaseAddress = baseAddress };
    }

    public Uri BaseAddress { get; }

    /// <summary>Every request the server received.</summary>
    public ServerLog Log { get; }

    /// <summary>Starts the sample on a test server; <paramref name="configure"/> may change its services (for example the middleware's options).</summary>
    public static async Task<OrdersServer> StartAsync(Action<WebApplicationBuilder>? configure = null)
    {
        var log = new ServerLog();
        var app = Build(log, [], builder =>
        {
            builder.WebHost.UseTestServer();
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        var server = app.GetTestServer();
        return new OrdersServer(app, log, server.BaseAddress, server.CreateHandler);
    }

    /// <summary>Starts the sample on Kestrel at a free loopback port.</summary>
    public static async Task<OrdersServer> StartKestrelAsync()
    {
        var log = new ServerLog();
        var url = $"http://127.0.0.1:{FreePort()}";
        var app = Build(log, ["--urls", url], null);
        await app.StartAsync();
        return new OrdersServer(app, log, new Uri(url), static () => new SocketsHttpHandler());
    }

    /// <summary>The handler that reaches this server: the innermost handler of a client.</summary>
    public HttpMessageHandler CreatePrimaryHandler() => _primaryHandler();

    /// <summary>Reads <c>GET /stats</c>: how many times the handlers really ran (replays do not count).</summary>
    public async Task<(int Orders, int Notes)> GetRunsAsync()
    {
        var stats = await _plainClient.GetFromJsonAsync<Dictionary<string, int>>("/stats");
        Assert.NotNull(stats);
        return (stats["orders"], stats["notes"]);
    }

    /// <summary>Waits until the orders handler has started <paramref name="runs"/> times (it counts on entry).</summary>
    public async Task WaitForOrderRunsAsync(int runs, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while ((await GetRunsAsync()).Orders < runs)
        {
            await Task.Delay(10, deadline.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _plainClient.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    // The sample's default store is a SQLite file that outlives the process: each server gets a fresh in-memory store.
    private static WebApplication Build(ServerLog log, string[] args, Action<WebApplicationBuilder>? configure) =>
        OrdersApp.Build(["--Idempotency:Store=memory", .. args], builder =>
        {
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton<IStartupFilter>(new RecordingStartupFilter(log));
            configure?.Invoke(builder);
        });

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
