using System.Globalization;
using Idempotency.Messaging;
using Microsoft.Extensions.DependencyInjection;

namespace Idempotency.Benchmarks.Messaging;

/// <summary>
/// Bytes allocated per message by <see cref="IIdempotentConsumer.ProcessAsync(InboundMessage, string, Func{InboundMessage, CancellationToken, ValueTask}, CancellationToken)"/>
/// on the in-memory store, every thread of the process counted (<see cref="GC.GetTotalAllocatedBytes"/>, precise): the
/// shared path every adapter takes, without a broker. Counts bytes, not time, so a busy machine does not change it. Two kinds of message:
/// as RabbitMQ and Kafka build them, and as NATS does (with the broker's "still working" signal, which starts the
/// progress heartbeat). It also says how many calls did not complete synchronously (each is a hand-off to the pool).
/// </summary>
internal static class ConsumerAllocations
{
    private const int Messages = 20_000;

    public static async Task RunAsync(TextWriter output)
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddIdempotency(o => o.ServiceName = LibraryHost.ServiceName).AddIdempotentConsumer();
        await using var provider = services.BuildServiceProvider();
        var consumer = provider.GetRequiredService<IIdempotentConsumer>();

        output.WriteLine("| message | delivery | B/msg | not synchronous |");
        output.WriteLine("| --- | --- | ---: | ---: |");
        foreach (var progress in new[] { false, true })
        {
            var kind = progress ? "with progress signal (NATS)" : "plain (RabbitMQ, Kafka)";
            var events = BenchEvents.Create("alloc-" + (progress ? "p" : "n"), Messages);
            var messages = events.Select(e => Message(e, progress)).ToList();

            // Warm-up on other keys: JIT, pools, the store's first growth.
            await MeasureAsync(consumer, [.. BenchEvents.Create("warm-" + (progress ? "p" : "n"), 2_000).Select(e => Message(e, progress))]);
            output.WriteLine(Row(kind, "first", await MeasureAsync(consumer, messages)));
            output.WriteLine(Row(kind, "duplicate", await MeasureAsync(consumer, messages)));
        }

        // Where the bytes of the shared path go: its steps alone, on one thread.
        var keys = new MessageKeys(provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<IdempotentConsumerOptions>>().Value);
        var sample = BenchEvents.Create("parts", 1_000).Select(e => Message(e, progress: false)).ToList();
        output.WriteLine(Row("step: key (event id)", "-", (PerMessage(sample, m => keys.Resolve(m)), 0)));
        output.WriteLine(Row("step: payload fingerprint", "-", (PerMessage(sample, keys.Fingerprint), 0)));
    }

    private static double PerMessage<TResult>(List<InboundMessage> messages, Func<InboundMessage, TResult> step)
    {
        foreach (var message in messages)
        {
            _ = step(message);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var message in messages)
        {
            _ = step(message);
        }

        return (double)(GC.GetAllocatedBytesForCurrentThread() - before) / messages.Count;
    }

    private static string Row(string kind, string delivery, (double Bytes, int Asynchronous) measured) =>
        string.Create(CultureInfo.InvariantCulture, $"| {kind} | {delivery} | {measured.Bytes:F0} | {measured.Asynchronous} |");

    private static async Task<(double Bytes, int Asynchronous)> MeasureAsync(IIdempotentConsumer consumer, List<InboundMessage> messages)
    {
        var asynchronous = 0;
        var before = GC.GetTotalAllocatedBytes(precise: true);
        foreach (var message in messages)
        {
            var pending = consumer.ProcessAsync(message, LibraryHost.HandlerName, static (_, _) => ValueTask.CompletedTask, CancellationToken.None);
            if (!pending.IsCompleted)
            {
                asynchronous++;
            }

            _ = await pending;
        }

        return ((double)(GC.GetTotalAllocatedBytes(precise: true) - before) / messages.Count, asynchronous);
    }

    private static InboundMessage Message(BenchEvent e, bool progress) => new(BenchEvents.EventType, e.Body)
    {
        Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["event-type"] = BenchEvents.EventType, ["message-id"] = e.MessageId },
        MessageId = e.MessageId,
        SignalProgress = progress ? static _ => ValueTask.CompletedTask : null,
    };
}
