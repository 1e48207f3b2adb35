using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using RabbitMQ.Client.Events;

namespace Idempotency.Messaging.RabbitMQ;

/// <summary>
/// Which delivery of its message a delivery is. Quorum queues count (<c>x-delivery-count</c>); classic queues only flag a
/// redelivery, which alone would make every redelivery attempt 2, so a handler that always fails would be requeued
/// forever (<see cref="IdempotentConsumerOptions.MaxDeliveries"/> never reached). For those, this consumer counts its own
/// requeues of each message, in memory: the count bounds a failing message per consumer instance (several instances
/// each count theirs) and restarts with the process. Once the queue is seen to count, nothing is kept here.
/// </summary>
internal sealed class DeliveryCounts(int capacity = DeliveryCounts.DefaultCapacity)
{
    // Messages requeued at once that are remembered; beyond it the least recently requeued one is forgotten (its next
    // delivery counts as attempt 2 again), so memory stays bounded whatever the queue holds.
    public const int DefaultCapacity = 10_000;

    private readonly Dictionary<string, LinkedListNode<(string Identity, int Attempt)>> _counts = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Identity, int Attempt)> _byAge = new();
    private readonly Lock _gate = new();
    private volatile bool _queueCounts;
    private int _uncounted;

    /// <summary>
    /// Gets the delivery's attempt, from 1, and the identity it is counted under here (only for a redelivery the queue
    /// did not count; <see langword="null"/> otherwise). <paramref name="firstUncounted"/> is set once, for the first
    /// redelivery seen without a count: the queue does not count deliveries.
    /// </summary>
    public (int Attempt, string? Identity) Of(BasicDeliverEventArgs delivery, long? earlierDeliveries, out bool firstUncounted)
    {
        firstUncounted = false;
        if (earlierDeliveries is { } earlier)
        {
            if (!_queueCounts)
            {
                // The queue counts: what was remembered for it is not needed any more.
                _queueCounts = true;
                lock (_gate)
                {
                    _counts.Clear();
                    _byAge.Clear();
                }
            }

            return ((int)Math.Min(earlier + 1, int.MaxValue), null);
        }

        if (!delivery.Redelivered)
        {
            return (1, null);
        }

        if (_queueCounts)
        {
            return (2, null);
        }

        firstUncounted = Interlocked.Exchange(ref _uncounted, 1) == 0;
        var identity = Identity(delivery);
        lock (_gate)
        {
            // Not requeued by this consumer (another one's, or a crashed one's): delivered at least once before.
            return (_counts.TryGetValue(identity, out var node) ? node.Value.Attempt + 1 : 2, identity);
        }
    }

    /// <summary>Remembers how often a message was delivered when it is requeued, and forgets it once it is answered for good.</summary>
    public void Answered(BasicDeliverEventArgs delivery, string? identity, int attempt, bool requeued)
    {
        if (_queueCounts || (identity is null && !requeued))
        {
            return;
        }

        // Hashed only now: a message that is never requeued costs nothing here.
        identity ??= Identity(delivery);
        lock (_gate)
        {
            if (_counts.Remove(identity, out var node))
            {
                _byAge.Remove(node);
            }

            if (!requeued)
            {
                return;
            }

            if (_counts.Count >= capacity && _byAge.First is { } oldest)
            {
                _counts.Remove(oldest.Value.Identity);
                _byAge.RemoveFirst();
            }

            _counts[identity] = _byAge.AddLast((identity, attempt));
        }
    }

    // What a requeue gives back unchanged: where it was published, its message id and type, and its body.
    private static string Identity(BasicDeliverEventArgs delivery)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, delivery.Exchange);
        Append(hash, delivery.RoutingKey);
        Append(hash, delivery.BasicProperties.MessageId);
        Append(hash, delivery.BasicProperties.Type);
        Append(hash, delivery.Body.Span);
        return Convert.ToBase64String(hash.GetHashAndReset());
    }

    private static void Append(IncrementalHash hash, string? text) => Append(hash, Encoding.UTF8.GetBytes(text ?? string.Empty));

    // Length-prefixed, so the fields cannot run into one another.
    private static void Append(IncrementalHash hash, ReadOnlySpan<byte> field)
    {
        Span<byte> length = stackalloc byte[sizeof(int)];
        BinaryPrimitives.WriteInt32LittleEndian(length, field.Length);
        hash.AppendData(length);
        hash.AppendData(field);
    }
}
