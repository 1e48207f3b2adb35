using System.Net;
using System.Text.Json;

namespace Idempotency.AspNetCore.Tests;

/// <summary>A response read in full, so tests can compare status, headers and exact body bytes.</summary>
public sealed record Answer(HttpStatusCode Status, Dictionary<string, string[]> Headers, byte[] Body)
{
    public static async Task<Answer> ReadAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsByteArrayAsync();
            var headers = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                headers[name] = [.. values];
            }

            return new Answer(response.StatusCode, headers, body);
        }
    }

    public static async Task<Answer> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using (request)
        {
            return await ReadAsync(await client.SendAsync(request));
        }
    }

    /// <summary>
    /// Sends a fresh request while the answer is 409 (the first request is still being let go, e.g. after a client
    /// abort), for at most 10 s, and returns the first other answer (or the last 409).
    /// </summary>
    public static async Task<Answer> SendWhileInProgressAsync(HttpClient client, Func<HttpRequestMessage> request)
    {
        Answer answer;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        do
        {
            answer = await SendAsync(client, request());
        }
        while (answer.Status == HttpStatusCode.Conflict && DateTime.UtcNow < deadline);

        return answer;
    }

    public string Text => System.Text.Encoding.UTF8.GetString(Body);

    public bool IsReplayed => Header("Idempotent-Replayed") == "true";

    public string? Header(string name) => Headers.TryGetValue(name, out var values) ? string.Join(", ", values) : null;

    /// <summary>The problem <c>type</c>, after checking the response is a well-formed problem that must not be cached.</summary>
    public string ProblemType
    {
        get
        {
            Assert.Equal("application/problem+json", Header("Content-Type"));
            Assert.Equal("no-store", Header("Cache-Control"));
            using var document = JsonDocument.Parse(Body);
            Assert.Equal((int)Status, document.RootElement.GetProperty("status").GetInt32());
            return document.RootElement.GetProperty("type").GetString()!;
        }
    }

    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();
}
