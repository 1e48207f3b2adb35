using System.Text;
using Idempotency.StackExchangeRedis;
using Microsoft.Extensions.Primitives;

namespace Idempotency.Fuzz;

/// <summary>
/// Writes the seed corpus (corpus/&lt;target&gt;/): a few valid inputs per target, the binary ones made by the
/// library's own encoders, so AFL starts inside each format rather than at its first length check.
/// </summary>
public static class SeedCorpus
{
    public static void Write(string corpus)
    {
        var json = new[]
        {
            """{"id":"order-1","body":{"orderId":42},"timestamp":"2026-01-01T00:00:00Z"}""",
            """{"body":"{\"orderId\":\"a\\u00e9\"}","data":"eyJpZCI6IngifQ==","a":{"b":{"c":[1.5e3,-0,true,null]}}}""",
            """[[["x"]],{"a":2},{"a":1e400}]""",
        };
        Save(corpus, "key-header", "\"order-1\"", "  \"a\\\"b\\\\c\"  ", "bare-key", "\"x\";p=1, \"y\"");
        Save(corpus, "canonical-json", json);
        Save(corpus, "jmespath", [.. json.Select(static (j, i) => (byte[])[(byte)(i * 7), .. Encoding.UTF8.GetBytes(j)])]);
        Save(corpus, "message-key", "idem-1\0" + json[0], """{"idempotencyKey":"k-1","eventId":7}""", """{"eventId":1.0e0}""");

        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var request = new IdempotencyClaimRequest("key", "owner-token", "fingerprint", now, TimeSpan.FromSeconds(30), TimeSpan.FromDays(1));
        var claim = new byte[RedisRecordFormat.ClaimLength(request)];
        RedisRecordFormat.EncodeClaim(request, claim);
        byte[] completed = [claim[0], (byte)IdempotencyRecordStatus.Completed, .. claim[2..], .. Payload.Encode(PayloadKind.Value, "\"result\""u8, 4096)];
        Save(corpus, "redis-record", claim, completed);

        Save(corpus, "payload",
            Payload.Encode(PayloadKind.Value, "{\"total\":42}"u8, 4096),
            Payload.Encode(PayloadKind.Raw, Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("abcdef", 200))), 64),
            Payload.Encode(PayloadKind.Error, StoredFailure.Serialize(new InvalidOperationException("card declined")), 4096));

        Save(corpus, "stored-response",
            StoredResponses.Encode(201, [new("Content-Type", "application/json"), new("Location", new StringValues(["/orders/1", "/o/1"]))], "{\"id\":1}"u8.ToArray()),
            StoredResponses.Encode(204, [], []));
    }

    private static void Save(string corpus, string target, params string[] inputs) => Save(corpus, target, [.. inputs.Select(Encoding.UTF8.GetBytes)]);

    private static void Save(string corpus, string target, params byte[][] inputs)
    {
        var dir = Directory.CreateDirectory(Path.Combine(corpus, target)).FullName;
        for (var i = 0; i < inputs.Length; i++)
        {
            File.WriteAllBytes(Path.Combine(dir, $"seed-{i + 1}"), inputs[i]);
        }
    }
}
