using System.Collections.Concurrent;
using System.Text.Json;

namespace Idempotency.Messaging.Nats.Tests;

/// <summary>Counts completed handler runs per handler and event id, and remembers what each run saw.</summary>
public sealed class HandlerRuns
{
    private readonly ConcurrentDictionary<(string Handler, string EventId), int> _runs = new();
    private readonly ConcurrentQueue<(string Handler, string EventId, InboundMessage Message)> _seen = new();

    public int Total => _runs.Values.Sum();

    public IReadOnlyCollection<(string Handler, string EventId, InboundMessage Message)> Seen => _seen;

    public int this[string handler, string eventId] => _runs.GetValueOrDefault((handler, eventId));

    public IEnumerable<int> CountsOf(string handler) => _runs.Where(r => r.Key.Handler == handler).Select(r => r.Value);

    public int DistinctEvents(string handler) => _runs.Keys.Count(k => k.Handler == handler);

    /// <summary>A handler that counts its completed runs; <paramref name="before"/> runs first and may throw or wait.</summary>
    public Func<InboundMessage, IServiceProvider, CancellationToken, ValueTask> Handler(string name, Func<string, InboundMessage, CancellationToken, Task>? before = null) =>
        async (message, _, cancellationToken) =>
        {
            var eventId = EventId(message);
            if (before is not null)
            {
                await before(eventId, message, cancellationToken);
            }

            _seen.Enqueue((name, eventId, message));
            _runs.AddOrUpdate((name, eventId), 1, static (_, n) => n + 1);
        };

    public static string EventId(InboundMessage message)
    {
        using var json = JsonDocument.Parse(message.Body);
        return json.RootElement.GetProperty("eventId").GetString()!;
    }
}
