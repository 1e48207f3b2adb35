using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Idempotency.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Idempotency.SecretsAtRest;

/// <summary>
/// A response full of credentials beside one ordinary header, for tests that read what a store keeps of it: here on the
/// in-memory store, and linked into the store test projects (Redis, PostgreSQL), which read the record straight from
/// their server. The allow-list asks for every secret header too: they must still never be stored.
/// </summary>
public static class SecretResponse
{
    public const string Path = "/secrets";
    public const string OrdinaryHeader = "X-Ordinary";
    public const string OrdinaryValue = "ORDINARY-HEADER-VALUE";
    public const string RequestToken = "SECRET-REQUEST-TOKEN";

    // Name and value of each secret header; every value holds a marker found nowhere else.
    public static readonly (string Name, string Value, string Marker)[] Secrets =
    [
        ("Set-Cookie", "session=SECRET-COOKIE-VALUE; HttpOnly", "SECRET-COOKIE-VALUE"),
        ("Set-Cookie2", "legacy=SECRET-COOKIE2-VALUE", "SECRET-COOKIE2-VALUE"),
        ("Authorization", "Bearer SECRET-AUTHORIZATION-VALUE", "SECRET-AUTHORIZATION-VALUE"),
        ("Proxy-Authorization", "Basic SECRET-PROXY-AUTHORIZATION-VALUE", "SECRET-PROXY-AUTHORIZATION-VALUE"),
        ("WWW-Authenticate", "Bearer error=\"SECRET-WWW-AUTHENTICATE-VALUE\"", "SECRET-WWW-AUTHENTICATE-VALUE"),
        ("Proxy-Authenticate", "Basic realm=\"SECRET-PROXY-AUTHENTICATE-VALUE\"", "SECRET-PROXY-AUTHENTICATE-VALUE"),
        ("Authentication-Info", "nextnonce=\"SECRET-AUTHENTICATION-INFO-VALUE\"", "SECRET-AUTHENTICATION-INFO-VALUE"),
    ];

    // Repetitive, so that a low compression threshold really compresses it.
    public static readonly string Body = string.Concat(Enumerable.Repeat("ORDINARY-BODY-VALUE ", 50));

    public static void Configure(IdempotencyMiddlewareOptions options)
    {
        options.ReplayedResponseHeaders.Add(OrdinaryHeader);
        foreach (var (name, _, _) in Secrets)
        {
            options.ReplayedResponseHeaders.Add(name);
        }
    }

    public static void Map(IEndpointRouteBuilder app) => app.MapPost(Path, async (HttpContext http) =>
    {
        http.Response.StatusCode = StatusCodes.Status201Created;
        foreach (var (name, value, _) in Secrets)
        {
            http.Response.Headers.Append(name, value);
        }

        http.Response.Headers[OrdinaryHeader] = OrdinaryValue;
        http.Response.ContentType = "text/plain";
        await http.Response.WriteAsync(Body);
    }).RequireIdempotency();

    public static HttpRequestMessage Request(string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new StringContent("""{"item":"book"}""", Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + RequestToken);
        return request;
    }

    /// <summary>Sends the request twice: the handler set every header, and the replay came from the store.</summary>
    public static async Task SendTwiceAsync(HttpClient client, string key)
    {
        using var first = await client.SendAsync(Request(key));
        using var replay = await client.SendAsync(Request(key));

        Assert.Equal(System.Net.HttpStatusCode.Created, first.StatusCode);
        Assert.Contains("session=SECRET-COOKIE-VALUE; HttpOnly", first.Headers.GetValues("Set-Cookie"));
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(OrdinaryValue, replay.Headers.GetValues(OrdinaryHeader).Single());
        Assert.Equal(Body, await replay.Content.ReadAsStringAsync());
    }

    /// <summary>No secret's bytes anywhere in <paramref name="stored"/>; the ordinary header's and the body's there when <paramref name="readable"/>.</summary>
    private static void AssertKeepsNoSecret(ReadOnlySpan<byte> stored, bool readable)
    {
        foreach (var (name, _, marker) in Secrets)
        {
            Assert.True(stored.IndexOf(Encoding.UTF8.GetBytes(marker)) < 0, $"The stored record holds the value of {name}.");
        }

        Assert.True(stored.IndexOf(Encoding.UTF8.GetBytes(RequestToken)) < 0, "The stored record holds the request's Authorization token.");
        if (readable)
        {
            // Without these the test could pass on a record that holds nothing at all.
            Assert.True(stored.IndexOf(Encoding.UTF8.GetBytes(OrdinaryValue)) >= 0, $"The stored record lacks the {OrdinaryHeader} header.");
            Assert.True(stored.IndexOf("ORDINARY-BODY-VALUE"u8) >= 0, "The stored record lacks the body.");
        }
    }

    /// <summary>
    /// Checks both what the server holds (<paramref name="raw"/>: only readable when not compressed) and the record's
    /// payload decompressed, and that the engine compressed it exactly when the threshold asked it to.
    /// </summary>
    public static void AssertRecordKeepsNoSecret(byte[] raw, IdempotencyRecord record, int compressionThreshold)
    {
        var body = Decoded(record.Payload, out var compressed);
        Assert.Equal(compressionThreshold > 0, compressed);
        AssertKeepsNoSecret(raw, readable: !compressed);
        AssertKeepsNoSecret(body, readable: true);
    }

    /// <summary>
    /// The engine's payload with its body decompressed (docs: byte 0 revision, 1 kind, 2 flags with bit 0 Brotli, then
    /// the body, or its length as a 4-byte little-endian integer and the Brotli stream).
    /// </summary>
    private static byte[] Decoded(ReadOnlyMemory<byte> payload, out bool wasCompressed)
    {
        var span = payload.Span;
        Assert.Equal(1, span[0]);
        wasCompressed = (span[2] & 1) != 0;
        if (!wasCompressed)
        {
            return span[3..].ToArray();
        }

        var body = new byte[BinaryPrimitives.ReadInt32LittleEndian(span[3..])];
        Assert.True(BrotliDecoder.TryDecompress(span[7..], body, out var written) && written == body.Length, "The compressed payload does not decode.");
        return body;
    }
}
