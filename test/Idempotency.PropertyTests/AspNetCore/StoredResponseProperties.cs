using CsCheck;
using Idempotency.AspNetCore;
using Microsoft.Extensions.Primitives;

namespace Idempotency.PropertyTests;

/// <summary>The stored HTTP response format: what the middleware writes it reads back; anything else is refused, never thrown.</summary>
public sealed class StoredResponseProperties
{
    private static readonly Gen<(int Status, List<KeyValuePair<string, StringValues>> Headers, byte[] Body)> Response =
        Gen.Select(
            Gen.Int[100, 999],
            Gen.Select(JsonGen.Text(10).Where(static name => name.Length > 0), JsonGen.Text(20).Array[0, 3])
                .Select(static header => new KeyValuePair<string, StringValues>(header.Item1, new StringValues(header.Item2)))
                .List[0, 8],
            Gen.Byte.Array[0, 300]);

    [Fact]
    public void TryDecode_WhatFinishResponseWrote_GivesTheResponseBack() =>
        Response.Check(static response =>
        {
            var record = Encode(response.Status, response.Headers, response.Body);

            Assert.True(StoredResponse.TryDecode(record, out var decoded, out var problem), problem);
            Assert.Equal(response.Status, decoded.Status);
            Assert.Equal(response.Body, decoded.Body.ToArray());
            Assert.Equal(response.Headers.Select(static h => (h.Key, h.Value.ToArray())), decoded.Headers.Select(static h => (h.Key, h.Value.ToArray())));
        });

    [Fact]
    public void TryDecode_AnyBytes_RefusesWithAReasonAndNeverThrows() =>
        Gen.Frequency(
            (1, Gen.Byte.Array[0, 80]),
            (1, Gen.Byte.Array[0, 80].Select(static rest => (byte[])[1, 1, .. rest])),
            (2, Gen.Select(Response, Gen.Int, static (response, seed) => Corrupt(Encode(response.Status, response.Headers, response.Body), new Random(seed)))))
        .Check(static bytes =>
        {
            if (!StoredResponse.TryDecode(bytes, out var decoded, out var problem))
            {
                Assert.False(string.IsNullOrEmpty(problem));
                return;
            }

            Assert.InRange(decoded.Status, 100, 999);
            Assert.InRange(decoded.Body.Length, 0, bytes.Length);
        });

    private static byte[] Encode(int status, List<KeyValuePair<string, StringValues>> headers, byte[] body) => Idempotency.Fuzz.StoredResponses.Encode(status, headers, body);

    // One edit of a valid record: a byte flipped, the record cut short, or bytes appended.
    private static byte[] Corrupt(byte[] record, Random random)
    {
        switch (random.Next(3))
        {
            case 0:
                record[random.Next(record.Length)] ^= (byte)(1 << random.Next(8));
                return record;
            case 1:
                return record[..random.Next(record.Length)];
            default:
                return [.. record, .. Enumerable.Range(0, random.Next(1, 4)).Select(_ => (byte)random.Next(256))];
        }
    }
}
