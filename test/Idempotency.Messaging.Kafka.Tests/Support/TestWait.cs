namespace Idempotency.Messaging.Kafka.Tests;

/// <summary>How long the tests wait for the consumers, and the wait itself (fails saying what did not happen).</summary>
internal static class TestWait
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static async Task UntilAsync(Func<bool> condition, Func<string>? what = null)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, what?.Invoke() ?? $"The condition did not hold within {Timeout}.");
            await Task.Delay(50);
        }
    }

    /// <summary>A topic or group name no other test uses (the tests of one class share a mock cluster).</summary>
    public static string Unique(string name) => $"{name}-{Guid.NewGuid():N}";

    /// <summary>A fresh topic and consumer group.</summary>
    public static (string Topic, string Group) TopicAndGroup() => (Unique("payments"), Unique("group"));
}
