using System.Globalization;
using NATS.Client.JetStream.Models;

namespace Idempotency.Messaging.Nats;

/// <summary>
/// When a JetStream consumer redelivers a message it did not get an answer for, as the server says in the consumer's
/// configuration: delivery <c>k</c> waits <c>BackOff[k-1]</c> (the last step repeating) or, without back-off, <c>AckWait</c>,
/// and there are at most <c>MaxDeliver</c> deliveries.
/// </summary>
internal sealed class RedeliverySchedule
{
    private readonly TimeSpan[] _backOff;

    public RedeliverySchedule(string consumer, ConsumerConfig config)
    {
        Consumer = consumer;
        AckWait = config.AckWait;
        MaxDeliver = config.MaxDeliver;
        Problem = config switch
        {
            { AckPolicy: not ConsumerConfigAckPolicy.Explicit } => $"acknowledges with AckPolicy {config.AckPolicy}: it must be Explicit, so a message is acknowledged only once its records are durable.",
            { DeliverSubject.Length: > 0 } => "is a push consumer (it has a DeliverSubject): use a pull consumer.",
            _ => null,
        };
        _backOff = config.Backoff?.Where(static step => step > TimeSpan.Zero).ToArray() ?? [];
    }

    public string Consumer { get; }

    /// <summary>Gets why the adapter cannot consume through this consumer, or <see langword="null"/>.</summary>
    public string? Problem { get; }

    public TimeSpan AckWait { get; }

    /// <summary>Gets the most deliveries of one message; zero or less when the server redelivers without limit.</summary>
    public long MaxDeliver { get; }

    public bool Unlimited => MaxDeliver <= 0;

    /// <summary>Gets the shortest wait of any delivery: the "still working" signal must come more often than that.</summary>
    public TimeSpan ShortestWait => _backOff.Length == 0 ? AckWait : _backOff.Min();

    /// <summary>Gets how long the server waits for an answer to delivery <paramref name="delivery"/> (from 1) before it redelivers.</summary>
    public TimeSpan WaitAfter(long delivery) =>
        _backOff.Length == 0 ? AckWait : _backOff[(int)Math.Clamp(delivery - 1, 0, _backOff.Length - 1)];

    /// <summary>Gets whether delivery <paramref name="delivery"/> is the last the server makes.</summary>
    public bool IsLast(long delivery) => !Unlimited && delivery >= MaxDeliver;

    /// <summary>
    /// Gets how long after its first delivery a message may still be delivered: every delivery's wait added up (the last
    /// one's too, while it may still be answered); <see langword="null"/> without a limit. Naks are never delayed beyond
    /// the wait of their delivery (<see cref="WaitAfter"/>), so they stay inside it.
    /// </summary>
    public TimeSpan? Horizon
    {
        get
        {
            if (Unlimited)
            {
                return null;
            }

            // A huge MaxDeliver saturates instead of overflowing; start-up then says no TTL covers it.
            long ticks = 0;
            for (var i = 0; i < _backOff.Length && i < MaxDeliver; i++)
            {
                ticks += _backOff[i].Ticks;
            }

            var tail = (_backOff.Length == 0 ? AckWait : _backOff[^1]).Ticks;
            var repeats = Math.Max(0, MaxDeliver - _backOff.Length);
            return tail > 0 && repeats > (TimeSpan.MaxValue.Ticks - ticks) / tail
                ? TimeSpan.MaxValue
                : TimeSpan.FromTicks(ticks + (repeats * tail));
        }
    }

    /// <summary>Gets the settings the horizon comes from, as the start-up error names them.</summary>
    public string Describe() => _backOff.Length == 0
        ? string.Create(CultureInfo.InvariantCulture, $"JetStream consumer '{Consumer}': MaxDeliver {DescribeMaxDeliver()}, AckWait {Format(AckWait)}")
        : string.Create(CultureInfo.InvariantCulture, $"JetStream consumer '{Consumer}': MaxDeliver {DescribeMaxDeliver()}, BackOff {string.Join(',', _backOff.Select(Format))}");

    /// <summary>A duration the way NATS writes it in its configuration (1s, 500ms, 2m30s, 1h).</summary>
    public static string Format(TimeSpan value)
    {
        if (value < TimeSpan.FromSeconds(1))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds}ms");
        }

        var text = new System.Text.StringBuilder();
        if (value.Days > 0 || value.Hours > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(long)value.TotalHours}h");
        }

        if (value.Minutes > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{value.Minutes}m");
        }

        if (value.Seconds > 0 || value.Milliseconds > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{value.Seconds + (value.Milliseconds / 1000.0)}s");
        }

        return text.ToString();
    }

    private string DescribeMaxDeliver() => Unlimited ? "unlimited" : MaxDeliver.ToString(CultureInfo.InvariantCulture);
}
