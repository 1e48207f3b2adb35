using System.Collections.Concurrent;
using System.Threading.Channels;

namespace EventsWorker;

/// <summary>
/// A message on the in-process broker: one publication, delivered until acknowledged or dead-lettered. A class, not a
/// record: two publications with equal contents (a message re-sent as-is) are two messages, each settled on its own.
/// </summary>
internal sealed class BrokerMessage(string messageId, string eventType, byte[] body)
{
    public int Deliveries;

    public string MessageId { get; } = messageId;

    public string EventType { get; } = eventType;

    public byte[] Body { get; } = body;
}

/// <summary>
/// An at-least-once broker in memory, with the behaviours idempotency exists for: a message not acknowledged within the
/// ack wait is delivered again (a consumer that crashed or hung), a negative acknowledgement redelivers after a delay,
/// and a dead-letter queue takes poison messages. No broker to install, so the sample runs anywhere.
/// </summary>
internal sealed class InProcessBroker(TimeSpan ackWait)
{
    private readonly Channel<BrokerMessage> _ready = Channel.CreateUnbounded<BrokerMessage>();
    private readonly ConcurrentDictionary<BrokerMessage, DateTime> _inFlight = new();
    private int _outstanding;

    public ConcurrentQueue<BrokerMessage> DeadLetters { get; } = new();

    public int Published { get; private set; }

    public Task Drained => _drained.Task;

    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Publish(BrokerMessage message)
    {
        Published++;
        Interlocked.Increment(ref _outstanding);
        _ready.Writer.TryWrite(message);
    }

    public async ValueTask<BrokerMessage> ReceiveAsync(CancellationToken cancellationToken)
    {
        var message = await _ready.Reader.ReadAsync(cancellationToken);
        Interlocked.Increment(ref message.Deliveries);
        _inFlight[message] = DateTime.UtcNow + ackWait;
        return message;
    }

    public void Ack(BrokerMessage message) => Settle(message);

    public void DeadLetter(BrokerMessage message)
    {
        DeadLetters.Enqueue(message);
        Settle(message);
    }

    public void Nak(BrokerMessage message, TimeSpan delay)
    {
        if (_inFlight.TryRemove(message, out _))
        {
            _ = Task.Delay(delay).ContinueWith(_ => _ready.Writer.TryWrite(message), TaskScheduler.Default);
        }
    }

    /// <summary>Redelivers what was delivered but neither acknowledged nor refused within the ack wait, as a broker does.</summary>
    public async Task RedeliverExpiredAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            foreach (var (message, deadline) in _inFlight)
            {
                if (deadline < DateTime.UtcNow && _inFlight.TryRemove(message, out _))
                {
                    _ready.Writer.TryWrite(message);
                }
            }
        }
    }

    private void Settle(BrokerMessage message)
    {
        if (_inFlight.TryRemove(message, out _) && Interlocked.Decrement(ref _outstanding) == 0)
        {
            _drained.TrySetResult();
        }
    }
}
