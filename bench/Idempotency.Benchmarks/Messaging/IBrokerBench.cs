namespace Idempotency.Benchmarks.Messaging;

/// <summary>One broker with its adapter: publishes batches, and consumes them with each <see cref="Contender"/>.</summary>
internal interface IBrokerBench : IAsyncDisposable
{
    /// <summary>Gets the adapter's name (<c>nats</c>, <c>rabbitmq</c>, <c>kafka</c>).</summary>
    string Name { get; }

    /// <summary>Gets the consumer settings every contender uses, for the output.</summary>
    string Settings { get; }

    /// <summary>Publishes the events to a destination of their own (a subject, queue or topic) and waits until the broker holds them all.</summary>
    Task<string> PublishAsync(IReadOnlyList<BenchEvent> events);

    /// <summary>Starts the contender's consumer on the destination, every handler run going to <paramref name="clock"/>; disposing it stops it.</summary>
    Task<IAsyncDisposable> StartAsync(Contender contender, string destination, BatchClock clock);

    /// <summary>After a consumer stopped: how many messages of the destination the broker still holds unacknowledged.</summary>
    Task<long> UnansweredAsync(string destination);

    /// <summary>Removes the destination (its consumer, queue or subject's messages).</summary>
    Task DeleteAsync(string destination);
}
