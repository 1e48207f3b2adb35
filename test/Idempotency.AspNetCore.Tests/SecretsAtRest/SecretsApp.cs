using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Idempotency.SecretsAtRest;

/// <summary>An app on a test server with the idempotency middleware over the store the test adds, serving <see cref="SecretResponse"/>.</summary>
public sealed class SecretsApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SecretsApp(WebApplication app)
    {
        _app = app;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    public IIdempotencyAdministrator Administrator => _app.Services.GetRequiredService<IIdempotencyAdministrator>();

    /// <param name="addStore">Registers the store (and what it needs) on the idempotency builder.</param>
    /// <param name="compressionThreshold">The engine's threshold: 0 stores payloads as they are, 1 compresses them.</param>
    public static async Task<SecretsApp> StartAsync(Action<IIdempotencyBuilder> addStore, int compressionThreshold)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        var idempotency = builder.Services.AddIdempotency(o => o.CompressionThreshold = compressionThreshold);
        addStore(idempotency);
        idempotency.AddIdempotencyMiddleware(SecretResponse.Configure);
        var app = builder.Build();
        app.UseIdempotency();
        SecretResponse.Map(app);
        await app.StartAsync();
        return new SecretsApp(app);
    }

    /// <summary>The record of a key sent by an anonymous caller, read through the store's public API.</summary>
    public async Task<IdempotencyRecord> RecordAsync(string key) =>
        await Administrator.GetAsync("http", key, scope: null, CancellationToken.None) ?? throw new InvalidOperationException($"No record for {key}.");

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
