using System.Text;
using System.Text.Json;
using RabbitMQ.Client;

namespace Idempotency.Messaging.RabbitMQ.Tests;

/// <summary>Event bodies as publishers send them: an event id, a volatile timestamp (left out of fingerprints) and data.</summary>
internal static class Events
{
    public static byte[] Body(string eventId, int amount = 10) =>
        Encoding.UTF8.GetBytes($"{{\"eventId\":\"{eventId}\",\"occurredAt\":\"{Guid.NewGuid():N}\",\"data\":{{\"amount\":{amount}}}}}");

    public static string EventId(InboundMessage message)
    {
        using var body = JsonDocument.Parse(message.Body);
        return body.RootElement.GetProperty("eventId").GetString()!;
    }

    public static BasicProperties Properties(string type = "payment.charged", string? messageId = null) => new()
    {
        Type = type,
        MessageId = messageId ?? Guid.NewGuid().ToString("N"),
        Persistent = true,
    };

    /// <summary>Polls until the condition holds, failing with the description after the timeout.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe)
    {
        var deadline = TimeProvider.System.GetTimestamp();
        while (!await condition())
        {
            if (TimeProvider.System.GetElapsedTime(deadline) > timeout)
            {
                Assert.Fail($"Not reached within {timeout}: {describe()}");
            }

            await Task.Delay(50);
        }
    }

    public static Task EventuallyAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe) =>
        EventuallyAsync(() => Task.FromResult(condition()), timeout, describe);
}
