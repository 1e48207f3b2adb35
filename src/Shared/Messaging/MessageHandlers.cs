// Compiled into each broker adapter (linked by their project files), not into Idempotency.Messaging: the adapters'
// options share their handler list this way without a public base type. Each adapter keeps its own public AddHandler
// methods, which return its own options type.
using System.Buffers;
using System.Collections;

namespace Idempotency.Messaging;

/// <summary>The handlers added to an adapter's options, checked as they are added and, as a whole, at start-up.</summary>
internal sealed class MessageHandlers : IReadOnlyList<MessageHandler>
{
    // The handler name is the record's operation name, a store-key segment: checked at start-up so a bad name fails the
    // start, not every delivery.
    private const int MaxNameLength = 100;
    private static readonly SearchValues<char> NameCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/");

    private readonly List<MessageHandler> _handlers = [];

    public int Count => _handlers.Count;

    public MessageHandler this[int index] => _handlers[index];

    /// <summary>Adds a handler of every event type.</summary>
    public void Add(string handler, Func<InboundMessage, IServiceProvider, CancellationToken, ValueTask> handle) =>
        AddChecked(handler, eventType: null, handle);

    /// <summary>Adds a handler of one event type.</summary>
    public void Add(string handler, string eventType, Func<InboundMessage, IServiceProvider, CancellationToken, ValueTask> handle)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventType);
        AddChecked(handler, eventType, handle);
    }

    /// <summary>The handlers a message of <paramref name="eventType"/> goes to, in the order they were added.</summary>
    public List<MessageHandler> For(string eventType)
    {
        // Called for every delivery: a plain loop, without the closure and iterator of a query.
        var handlers = new List<MessageHandler>(_handlers.Count);
        foreach (var handler in _handlers)
        {
            if (handler.Takes(eventType))
            {
                handlers.Add(handler);
            }
        }

        return handlers;
    }

    /// <summary>Every problem of the handlers: none added, a name that is not a valid operation name, one name added twice for one event type.</summary>
    /// <param name="addHandler">The options' AddHandler method, as the message names it.</param>
    public IEnumerable<string> Errors(string addHandler)
    {
        if (_handlers.Count == 0)
        {
            yield return $"Add at least one handler ({addHandler}).";
        }

        foreach (var handler in _handlers.Where(h => h.Name.Length > MaxNameLength || h.Name.AsSpan().IndexOfAnyExcept(NameCharacters) >= 0))
        {
            yield return $"The handler name '{handler.Name}' is not a valid operation name: 1-{MaxNameLength} characters of letters, digits, '.', '_', '-' or '/'.";
        }

        // Records are kept per handler name: two handlers of one name taking one event type would share a record, and
        // the second would never run. One name for two event types is two disjoint sets of messages.
        foreach (var named in _handlers.GroupBy(h => h.Name, StringComparer.Ordinal))
        {
            var types = named.Select(h => h.EventType).ToList();
            if (types.Count > 1 && (types.Contains(null) || types.Distinct(StringComparer.Ordinal).Count() < types.Count))
            {
                yield return $"The handler name '{named.Key}' is added twice for the same event type; give each handler its own name.";
            }
        }
    }

    private void AddChecked(string handler, string? eventType, Func<InboundMessage, IServiceProvider, CancellationToken, ValueTask> handle)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(handler);
        ArgumentNullException.ThrowIfNull(handle);
        _handlers.Add(new MessageHandler(handler, eventType, handle));
    }

    public IEnumerator<MessageHandler> GetEnumerator() => _handlers.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
