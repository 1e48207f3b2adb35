using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Idempotency.Benchmarks.Http;

/// <summary>
/// A tiny API on real Kestrel at a free loopback port: the same <c>POST</c> handler twice, once plain and once with
/// <c>RequireIdempotency()</c> on the in-memory store. Both answer 201 with a small JSON body and a Location.
/// </summary>
internal sealed class HttpBenchmarkApp : IAsyncDisposable
{
    public const string PlainPath = "/plain/items";
    public const string IdempotentPath = "/idempotent/items";

    private readonly WebApplication _app;

    private HttpBenchmarkApp(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The records in the idempotency store (first executions add one each).</summary>
    public int StoredRecords => ((InMemoryIdempotencyStore)_app.Services.GetRequiredService<IIdempotencyStore>()).Count;

    public static async Task<HttpBenchmarkApp> StartAsync()
    {
        var url = $"http://127.0.0.1:{Idempotency.TestServers.LoopbackPort.GetFree()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        // Default options: 24 h TTL, so every first execution leaves a record in the store for the rest of the run; a run
        // makes more than the default bound of the in-memory store (100 000 records) would admit, so it is lifted.
        builder.Services.AddIdempotency(options => options.ServiceName = "bench")
            .AddInMemoryStore(store =>
            {
                store.MaxRecords = int.MaxValue;
                store.MaxBytes = long.MaxValue;
            })
            .AddIdempotencyMiddleware();

        var app = builder.Build();
        app.UseIdempotency();
        var next = 0L;
        app.MapPost(PlainPath, (ItemInput input) => Create(input, Interlocked.Increment(ref next)));
        app.MapPost(IdempotentPath, (ItemInput input) => Create(input, Interlocked.Increment(ref next))).RequireIdempotency();
        await app.StartAsync();
        return new HttpBenchmarkApp(app, new Uri(url));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static IResult Create(ItemInput input, long id) =>
        Results.Created($"/items/{id}", new Item(id, input.Name, input.Quantity));

    internal sealed record ItemInput(string Name, int Quantity);

    internal sealed record Item(long Id, string Name, int Quantity);
}
