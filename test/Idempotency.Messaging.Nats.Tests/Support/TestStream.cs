using System.Diagnostics;
using System.Text;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Idempotency.Messaging.Nats.Tests;

/// <summary>A test's stream: publishes events as JSON envelopes and reads its consumers' state from the server.</summary>
public sealed class TestStream(NatsFixture nats, string name)
{
    public string Name { get; } = name;

    public INatsJSContext JetStream => nats.JetStream;

    public string Url => nats.Server.Url;

    public string Subject(string eventName) => $"{Name}.{eventName}";

    /// <summary>Publishes <c>{"eventId":…,"occurredAt":…,"data":…}</c> with <c>Nats-Msg-Id</c> (the event id unless given).</summary>
    public async Task<ulong> PublishAsync(string eventId, string eventName = "paid", string data = "{\"amount\":10}", string? messageId = null, NatsHeaders? headers = null)
    {
        var body = Encoding.UTF8.GetBytes($"{{\"eventId\":\"{eventId}\",\"occurredAt\":\"{DateTime.UtcNow:O}\",\"data\":{data}}}");
        var ack = await JetStream.PublishAsync<byte[]>(Subject(eventName), body, opts: new NatsJSPubOpts { MsgId = messageId ?? eventId }, headers: headers);
        ack.EnsureSuccess();
        return ack.Seq;
    }

    /// <summary>Creates a durable pull consumer with explicit acks; <paramref name="configure"/> sets its redelivery.</summary>
    public async Task<ConsumerConfig> CreateConsumerAsync(string consumer, Action<ConsumerConfig>? configure = null)
    {
        var config = new ConsumerConfig(consumer) { AckPolicy = ConsumerConfigAckPolicy.Explicit, AckWait = TimeSpan.FromSeconds(5), MaxDeliver = 10 };
        configure?.Invoke(config);
        await JetStream.CreateOrUpdateConsumerAsync(Name, config);
        return config;
    }

    public async Task<ConsumerInfo> InfoAsync(string consumer) => (await JetStream.GetConsumerAsync(Name, consumer)).Info;

    /// <summary>Waits until the consumer has every stream message acknowledged (or terminated): nothing pending, nothing unanswered.</summary>
    public Task WaitUntilAllAnsweredAsync(string consumer, ulong messages, TimeSpan timeout) => Eventually.TrueAsync(
        async () =>
        {
            var info = await InfoAsync(consumer);
            return info.AckFloor.StreamSeq >= messages && info.NumAckPending == 0 && info.NumPending == 0;
        },
        timeout,
        async () =>
        {
            var info = await InfoAsync(consumer);
            return $"consumer {consumer}: ack floor {info.AckFloor.StreamSeq} of {messages}, {info.NumAckPending} unacknowledged, {info.NumPending} pending, {info.NumRedelivered} redelivered";
        });
}

/// <summary>Polls a condition until it holds, or fails the test saying what it saw last.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<Task<string>> describe)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"Not reached within {timeout}: {await describe()}");
            }

            await Task.Delay(50);
        }
    }
}
