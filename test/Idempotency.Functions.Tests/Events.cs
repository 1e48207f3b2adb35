using System.Text;
using System.Text.Json;

namespace Idempotency.Functions.Tests;

/// <summary>Real event shapes, as function runtimes deliver them: the envelope's volatile fields differ on every delivery.</summary>
internal static class Events
{
    /// <summary>An API-gateway proxy event: the HTTP body is a JSON string inside the envelope.</summary>
    public static string ApiGateway(string body, string requestId = "req-1") => $$"""
        {
          "resource": "/quests",
          "path": "/quests",
          "httpMethod": "POST",
          "headers": { "content-type": "application/json", "x-amzn-trace-id": "Root=1-{{requestId}}" },
          "requestContext": { "requestId": "{{requestId}}", "stage": "prod", "requestTimeEpoch": 1700000000000 },
          "body": {{JsonSerializer.Serialize(body)}},
          "isBase64Encoded": false
        }
        """;

    /// <summary>A queue batch (one record): the message body is a JSON string, with a receipt handle that changes on redelivery.</summary>
    public static string QueueBatch(string body, string receiptHandle = "rh-1") => $$"""
        {
          "Records": [
            {
              "messageId": "6f2c1c2e-0000-4000-8000-000000000001",
              "receiptHandle": "{{receiptHandle}}",
              "body": {{JsonSerializer.Serialize(body)}},
              "attributes": { "ApproximateReceiveCount": "1" },
              "eventSource": "queue"
            }
          ]
        }
        """;

    public static JsonElement Element(string json) => JsonDocument.Parse(json).RootElement.Clone();

    public static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);
}
