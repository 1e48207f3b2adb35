namespace Idempotency.Benchmarks.Messaging;

/// <summary>The consumers compared on one broker: same queue settings, same handler, same messages.</summary>
internal enum Contender
{
    /// <summary>The floor: the broker's own client consuming and acknowledging each message, without the library.</summary>
    Floor,

    /// <summary>The library's hosted consumer with its idempotency step bypassed (<see cref="PassThroughConsumer"/>): the adapter's own plumbing.</summary>
    Bypassed,

    /// <summary>The library's hosted consumer on the in-memory store (the default store).</summary>
    InMemory,

    /// <summary>The library's hosted consumer on the Redis store.</summary>
    Redis,
}

internal static class ContenderExtensions
{
    /// <summary>Whether the contender runs the handler once per event (the library with a store), rather than once per delivery.</summary>
    public static bool Deduplicates(this Contender contender) => contender is Contender.InMemory or Contender.Redis;

    public static string Label(this Contender contender) => contender switch
    {
        Contender.Floor => "floor",
        Contender.Bypassed => "adapter, idempotency bypassed",
        Contender.InMemory => "in-memory store",
        _ => "Redis store",
    };
}
