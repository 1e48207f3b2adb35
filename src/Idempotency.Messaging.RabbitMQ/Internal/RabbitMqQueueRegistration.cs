namespace Idempotency.Messaging.RabbitMQ;

/// <summary>Marks a queue as registered, so a second registration of the same queue fails at once instead of consuming it twice.</summary>
internal sealed record RabbitMqQueueRegistration(string Queue);
