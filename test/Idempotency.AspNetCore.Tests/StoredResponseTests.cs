using System.Text;
using Microsoft.Extensions.Primitives;

namespace Idempotency.AspNetCore.Tests;

public sealed class StoredResponseTests
{
    private static byte[] Encode(int status, string body, params (string Name, string[] Values)[] headers)
    {
        using var buffer = new PooledBuffer(16);
        buffer.Advance(StoredResponse.BodyOffset);
        buffer.Write(Encoding.UTF8.GetBytes(body));
        StoredResponse.FinishResponse(buffer, status, headers.Select(h => new KeyValuePair<string, StringValues>(h.Name, h.Values)).ToList());
        return buffer.WrittenSpan.ToArray();
    }

    [Fact]
    public void FinishResponse_ThenTryDecode_RoundTripsStatusHeadersAndBody()
    {
        var record = Encode(201, "{\"id\":\"é\"}", ("Location", ["/orders/1"]), ("Vary", ["Accept", "Accept-Language"]), ("Content-Type", ["application/json; charset=utf-8"]));

        Assert.True(StoredResponse.TryDecode(record, out var decoded, out var problem), problem);

        Assert.Equal(201, decoded.Status);
        Assert.Equal("{\"id\":\"é\"}", Encoding.UTF8.GetString(decoded.Body.Span));
        Assert.Equal(["Location", "Vary", "Content-Type"], decoded.Headers.Select(h => h.Key));
        Assert.Equal("Accept,Accept-Language", string.Join(",", decoded.Headers[1].Value.ToArray()));
    }

    [Fact]
    public void Format_Revision1_IsStable()
    {
        var record = Encode(200, "ok", ("ETag", ["\"x\""]));

        // revision, kind, body length (LE), body, status (LE), header count, "ETag", 1 value, "\"x\""
        byte[] expected = [1, 1, 2, 0, 0, 0, (byte)'o', (byte)'k', 200, 0, 1, 4, (byte)'E', (byte)'T', (byte)'a', (byte)'g', 1, 3, (byte)'"', (byte)'x', (byte)'"'];
        Assert.Equal(expected, record);
    }

    [Fact]
    public void TryDecode_UnknownKind_IsRejected()
    {
        // "Not stored" is the engine's marker (one state for every integration), never a kind of stored response.
        Assert.False(StoredResponse.TryDecode(new byte[] { 1, 2, 0, 0, 0, 0 }, out _, out var problem));

        Assert.Contains("kind 2", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TryDecode_EveryTruncation_IsRejected()
    {
        var record = Encode(200, "body", ("Content-Type", ["text/plain"]));
        for (var length = 0; length < record.Length; length++)
        {
            Assert.False(StoredResponse.TryDecode(record.AsMemory(0, length), out _, out var problem), $"length {length}");
            Assert.NotNull(problem);
        }
    }

    [Theory]
    [InlineData(new byte[] { 2, 1, 0, 0, 0, 0, 200, 0, 0 })]
    [InlineData(new byte[] { 1, 9, 0, 0, 0, 0, 200, 0, 0 })]
    [InlineData(new byte[] { 1, 1, 0, 0, 0, 0, 200, 0, 0, 99 })]
    [InlineData(new byte[] { 1, 1, 0, 0, 0, 0, 50, 0, 0 })]
    [InlineData(new byte[] { 1, 1, 255, 255, 255, 255, 200, 0, 0 })]
    [InlineData(new byte[] { 1, 1, 0, 0, 0, 0, 200, 0, 1, 1, 0xC3, 0 })]
    [InlineData(new byte[] { 1, 2, 200, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0 })]
    public void TryDecode_Malformed_IsRejected(byte[] record) =>
        Assert.False(StoredResponse.TryDecode(record, out _, out _));
}
