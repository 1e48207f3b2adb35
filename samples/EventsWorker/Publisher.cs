namespace EventsWorker;

/// <summary>What was published: distinct events, events published again (new message, same event id) and messages re-sent as-is.</summary>
internal sealed record Published(int Events, int Republished, int Resent, int HandlerPairs);

/// <summary>Publishes payment and order events with the duplicates real producers make: retried publishes and re-sent messages.</summary>
internal static class Publisher
{
    public static Published Publish(InProcessBroker broker, int events, double duplicateRate)
    {
        var (messages, published) = Create(events, duplicateRate);
        foreach (var message in messages)
        {
            broker.Publish(message);
        }

        return published;
    }

    /// <summary>The publications in the order they are sent: every event once, plus the duplicates, shuffled.</summary>
    public static (List<BrokerMessage> Messages, Published Published) Create(int events, double duplicateRate)
    {
        var random = new Random(7);
        var messages = new List<BrokerMessage>();
        var pairs = 0;
        for (var i = 0; i < events; i++)
        {
            var payment = i % 2 == 0;
            var eventType = payment ? "payment.charged" : "order.paid";
            var eventId = $"evt-{i:D5}";
            messages.Add(new BrokerMessage($"msg-{i:D5}", eventType, Envelope.Create(eventId, eventType, new { orderId = 1000 + i, amount = 10 + (i % 90) })));
            pairs += payment ? 2 : 1;
        }

        var republished = 0;
        var resent = 0;
        var all = new List<BrokerMessage>(messages);
        foreach (var message in messages)
        {
            if (random.NextDouble() < duplicateRate / 2)
            {
                // The producer retried its publish: a new message (new id, new timestamp) for the same event.
                var eventId = Envelope.EventId(message.Body);
                var number = int.Parse(eventId[4..], System.Globalization.CultureInfo.InvariantCulture);
                all.Add(new BrokerMessage(message.MessageId + "-retry", message.EventType, Envelope.Create(eventId, message.EventType, new { orderId = 1000 + number, amount = 10 + (number % 90) })));
                republished++;
            }

            if (random.NextDouble() < duplicateRate / 2)
            {
                all.Add(new BrokerMessage(message.MessageId, message.EventType, message.Body)); // the same message delivered twice (a broker redelivery)
                resent++;
            }
        }

        return (all.OrderBy(_ => random.Next()).ToList(), new Published(events, republished, resent, pairs));
    }
}
