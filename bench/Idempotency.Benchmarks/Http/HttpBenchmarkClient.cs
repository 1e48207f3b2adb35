using System.Net;
using System.Net.Http.Headers;

namespace Idempotency.Benchmarks.Http;

/// <summary>
/// One shared <see cref="HttpClient"/> (SocketsHttpHandler) sending the same small JSON POST to
/// <see cref="HttpBenchmarkApp"/>, and checking every answer, so a broken run fails instead of measuring errors.
/// </summary>
internal sealed class HttpBenchmarkClient : IDisposable
{
    public const string ReplayKey = "bench-replay-key";
    private const string KeyHeader = "Idempotency-Key";
    private static readonly byte[] Body = """{"name":"book","quantity":3}"""u8.ToArray();
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _client;
    private long _next;

    public HttpBenchmarkClient(Uri baseAddress) =>
        _client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan }) { BaseAddress = baseAddress };

    /// <summary>The same request (with a key header, which the endpoint ignores) to the endpoint without idempotency.</summary>
    public Task PlainAsync() => SendAndCheckAsync(HttpBenchmarkApp.PlainPath, "p" + Interlocked.Increment(ref _next), replay: false);

    /// <summary>A new key: claim, run, capture and store the response.</summary>
    public Task FirstExecutionAsync() => SendAndCheckAsync(HttpBenchmarkApp.IdempotentPath, "i" + Interlocked.Increment(ref _next), replay: false);

    /// <summary>The key stored by <see cref="CheckReplayWorksAsync"/>: the stored response is written back, the handler does not run.</summary>
    public Task ReplayAsync() => SendAndCheckAsync(HttpBenchmarkApp.IdempotentPath, ReplayKey, replay: true);

    /// <summary>Stores the replay key's response and checks that a second request really replays it (header, status, body, Location).</summary>
    public async Task CheckReplayWorksAsync()
    {
        using var plain = await SendAsync(HttpBenchmarkApp.PlainPath, "plain-check");
        using var first = await SendAsync(HttpBenchmarkApp.IdempotentPath, ReplayKey);
        using var replay = await SendAsync(HttpBenchmarkApp.IdempotentPath, ReplayKey);
        var firstBody = await first.Content.ReadAsByteArrayAsync();
        var replayBody = await replay.Content.ReadAsByteArrayAsync();
        if (plain.StatusCode != HttpStatusCode.Created || first.StatusCode != HttpStatusCode.Created || replay.StatusCode != HttpStatusCode.Created
            || IsReplay(plain) || IsReplay(first) || !IsReplay(replay)
            || replay.Headers.Location != first.Headers.Location || !firstBody.AsSpan().SequenceEqual(replayBody))
        {
            throw new InvalidOperationException("The idempotent endpoint does not replay its first response; refusing to measure.");
        }
    }

    public void Dispose() => _client.Dispose();

    private static bool IsReplay(HttpResponseMessage response) => response.Headers.Contains("Idempotent-Replayed");

    private async Task SendAndCheckAsync(string path, string key, bool replay)
    {
        using var response = await SendAsync(path, key);
        if (response.StatusCode != HttpStatusCode.Created || IsReplay(response) != replay)
        {
            throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}, replay {IsReplay(response)}; expected 201, replay {replay}.");
        }
    }

    private async Task<HttpResponseMessage> SendAsync(string path, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(Body) };
        request.Content.Headers.ContentType = Json;
        request.Headers.TryAddWithoutValidation(KeyHeader, key);
        return await _client.SendAsync(request);
    }
}
