using System.Collections.Concurrent;

namespace OrdersApi;

/// <summary>The body of <c>POST /orders</c> and <c>POST /notes</c>.</summary>
public sealed record OrderInput(string? Item, int? Quantity);

/// <summary>A created order (or note): a fresh id and creation time on every real execution.</summary>
public sealed record Order(string Id, string Item, int Quantity, DateTimeOffset CreatedAt);

/// <summary>The orders and notes created so far, in memory.</summary>
public sealed class OrderBook
{
    public ConcurrentDictionary<string, Order> Orders { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, Order> Notes { get; } = new(StringComparer.Ordinal);
}

/// <summary>How many times each handler really ran (replays do not count): what <c>GET /stats</c> returns.</summary>
public sealed class RunCounter
{
    private int _orders;
    private int _notes;

    public int Orders => Volatile.Read(ref _orders);

    public int Notes => Volatile.Read(ref _notes);

    public void OrderRan() => Interlocked.Increment(ref _orders);

    public void NoteRan() => Interlocked.Increment(ref _notes);
}
