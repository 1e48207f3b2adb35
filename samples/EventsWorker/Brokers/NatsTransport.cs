using Microsoft.Extensions.DependencyInjection;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace EventsWorker;

/// <summary>NATS JetStream: a stream and a durable pull consumer shared by both consumer processes.</summary>
internal sealed class NatsTransport(string url) : BrokerTransport
{
    private const string EventTypeHeader = "event-type";
    private readonly NatsConnection _connection = new(new NatsOpts { Url = url });
    private readonly string _stream = "EVENTSWORKER_" + RunId;

    private int _droppedByJetStream;

    public override string Description => $"NATS JetStream at {url} (stream {_stream}; JetStream itself dropped {_droppedByJetStream} re-sent copies by their Nats-Msg-Id)";

    private NatsJSContext JetStream => new(_connection);

    public override async Task PrepareAsync(CancellationToken cancellationToken) =>
        await JetStream.CreateStreamAsync(new StreamConfig(_stream, [$"{_stream}.>"]), cancellationToken);

    public override async Task PublishAsync(IReadOnlyList<BrokerMessage> messages, CancellationToken cancellationToken)
    {
        var jetStream = JetStream;
        foreach (var message in messages)
        {
            var headers = new NatsHeaders { [EventTypeHeader] = message.EventType };
            var ack = await jetStream.PublishAsync($"{_stream}.{message.EventType}", message.Body, headers: headers, opts: new NatsJSPubOpts { MsgId = message.MessageId }, cancellationToken: cancellationToken);
            if (ack.Duplicate)
            {
                _droppedByJetStream++; // within the stream's duplicate window; the records catch every other duplicate
                continue;
            }

            ack.EnsureSuccess();
        }
    }

    public override void AddConsumer(IIdempotencyBuilder builder, Handlers handlers)
    {
        builder.Services.AddSingleton<INatsConnection>(_connection);
        builder.AddIdempotentNatsConsumer(o =>
        {
            o.Stream = _stream;
            o.Consumer = "events-worker";
            o.ConsumerConfig = new ConsumerConfig { AckPolicy = ConsumerConfigAckPolicy.Explicit, AckWait = TimeSpan.FromSeconds(5), MaxDeliver = 20 };
            o.EventTypeHeader = EventTypeHeader;
            o.ConcurrentDeliveries = 4;
            foreach (var (handler, eventType) in Handlers.Registrations)
            {
                o.AddHandler(handler, eventType, (message, _, ct) => handlers.RunAsync(handler, message, ct));
            }
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await JetStream.DeleteStreamAsync(_stream);
        await _connection.DisposeAsync();
    }
}
