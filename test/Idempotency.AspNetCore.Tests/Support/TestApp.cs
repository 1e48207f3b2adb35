using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Idempotency.AspNetCore.Tests;

/// <summary>A small app on a test server with endpoints of the test's choosing, for cases the sample does not cover.</summary>
public sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestApp(WebApplication app, HandlerRuns runs)
    {
        _app = app;
        Runs = runs;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    public HandlerRuns Runs { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TestApp> StartAsync(
        Action<WebApplication, HandlerRuns> map,
        Action<IdempotencyMiddlewareOptions>? http = null,
        Action<IdempotencyOptions>? core = null,
        Action<IServiceCollection>? services = null,
        bool controllers = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        var runs = new HandlerRuns();
        builder.Services.AddSingleton(runs);
        builder.Services.AddIdempotency(core ?? (static _ => { })).AddIdempotencyMiddleware(http);
        if (controllers)
        {
            builder.Services.AddControllers().AddApplicationPart(typeof(TestApp).Assembly);
        }

        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.UseIdempotency();
        map(app, runs);
        if (controllers)
        {
            app.MapControllers();
        }

        await app.StartAsync();
        return new TestApp(app, runs);
    }

    public Task<Answer> SendAsync(HttpRequestMessage request) => Answer.SendAsync(Client, request);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Counts how many times each handler really ran (Interlocked, safe under parallel requests).</summary>
public sealed class HandlerRuns
{
    private readonly ConcurrentDictionary<string, StrongBox> _counts = new(StringComparer.Ordinal);

    public int Ran(string handler) => Interlocked.Increment(ref _counts.GetOrAdd(handler, static _ => new StrongBox()).Value);

    public int this[string handler] => _counts.TryGetValue(handler, out var box) ? Volatile.Read(ref box.Value) : 0;

    private sealed class StrongBox
    {
        public int Value;
    }
}
