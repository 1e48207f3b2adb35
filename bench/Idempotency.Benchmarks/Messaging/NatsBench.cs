using System.Globalization;
using Idempotency.Messaging.Nats;
using Idempotency.TestServers;
using Microsoft.Extensions.DependencyInjection;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Idempotency.Benchmarks.Messaging;

/// <summary>
/// NATS JetStream on a real <c>nats-server -js</c> (the test fixture). Each batch gets a subject of its own in one stream,
/// and each consumer a durable pull consumer of its own, created with the same configuration on both sides. The floor is
/// NATS.Net's own consume loop with the adapter's defaults: one message processed at a time
/// (<see cref="NatsConsumerOptions.ConcurrentDeliveries"/> 1) and <see cref="NatsConsumerDefaults.PrefetchPerSlot"/>
/// fetched ahead per slot (<c>MaxMsgs</c>), each message acknowledged after the handler.
/// </summary>
internal sealed class NatsBench : IBrokerBench
{
    private const string StreamName = "BENCH";
    private static readonly int ConcurrentDeliveries = new NatsConsumerOptions().ConcurrentDeliveries;
    private static readonly int MaxMsgs = ConcurrentDeliveries * NatsConsumerDefaults.PrefetchPerSlot;

    private readonly NatsServer _server = new();
    private readonly IIdempotencyStore _redisStore;
    private NatsConnection _publisher = null!;
    private NatsConnection _consumers = null!;
    private NatsJSContext _jetStream = null!;
    private int _destinations;

    private NatsBench(IIdempotencyStore redisStore) => _redisStore = redisStore;

    public string Name => "nats";

    public string Settings => string.Create(CultureInfo.InvariantCulture, $"JetStream durable pull consumer, explicit acks, ConcurrentDeliveries {ConcurrentDeliveries} (the default), MaxMsgs {MaxMsgs}; file storage");

    public static async Task<NatsBench> StartAsync(IIdempotencyStore redisStore)
    {
        var bench = new NatsBench(redisStore);
        await bench._server.InitializeAsync();
        bench._publisher = new NatsConnection(new NatsOpts { Url = bench._server.Url, Name = "bench-publisher" });
        bench._consumers = new NatsConnection(new NatsOpts { Url = bench._server.Url, Name = "bench-consumers" });
        await bench._publisher.ConnectAsync();
        await bench._consumers.ConnectAsync();
        bench._jetStream = new NatsJSContext(bench._publisher);
        await bench._jetStream.CreateStreamAsync(new StreamConfig(StreamName, ["bench.>"]));
        return bench;
    }

    public async Task<string> PublishAsync(IReadOnlyList<BenchEvent> events)
    {
        var destination = "b" + Interlocked.Increment(ref _destinations).ToString(CultureInfo.InvariantCulture);
        foreach (var chunk in events.Chunk(256))
        {
            var acks = await Task.WhenAll(chunk.Select(e => _jetStream.PublishAsync(Subject(destination), e.Body, opts: new NatsJSPubOpts { MsgId = e.MessageId }).AsTask()));
            foreach (var ack in acks)
            {
                ack.EnsureSuccess();
                if (ack.Duplicate)
                {
                    throw new InvalidOperationException("JetStream dropped a message as a duplicate publication.");
                }
            }
        }

        return destination;
    }

    public async Task<IAsyncDisposable> StartAsync(Contender contender, string destination, BatchClock clock)
    {
        if (contender != Contender.Floor)
        {
            return await LibraryHost.StartAsync(
                contender,
                _redisStore,
                services => services.AddSingleton<INatsConnection>(_consumers),
                builder => builder.AddIdempotentNatsConsumer(o =>
                {
                    o.Stream = StreamName;
                    o.Consumer = destination;
                    o.ConsumerConfig = ConsumerConfig(destination);
                    o.AddHandler(LibraryHost.HandlerName, (message, _, _) =>
                    {
                        clock.Run(message.Body.Span);
                        return ValueTask.CompletedTask;
                    });
                }));
        }

        var consumer = await new NatsJSContext(_consumers).CreateOrUpdateConsumerAsync(StreamName, ConsumerConfig(destination));
        return new Floor(consumer, clock);
    }

    public async Task<long> UnansweredAsync(string destination)
    {
        var info = (await _jetStream.GetConsumerAsync(StreamName, destination)).Info;
        return info.NumAckPending + (long)info.NumPending;
    }

    public async Task DeleteAsync(string destination)
    {
        await _jetStream.DeleteConsumerAsync(StreamName, destination);
        await _jetStream.PurgeStreamAsync(StreamName, new StreamPurgeRequest { Filter = Subject(destination) });
    }

    public async ValueTask DisposeAsync()
    {
        await _consumers.DisposeAsync();
        await _publisher.DisposeAsync();
        await _server.DisposeAsync();
    }

    private static string Subject(string destination) => "bench." + destination;

    // What the adapter's tests use too: explicit acks, a 30 s ack wait, 5 deliveries (a 150 s horizon, inside the default TTL).
    private static ConsumerConfig ConsumerConfig(string destination) => new(destination)
    {
        FilterSubject = Subject(destination),
        AckPolicy = ConsumerConfigAckPolicy.Explicit,
        AckWait = TimeSpan.FromSeconds(30),
        MaxDeliver = 5,
    };

    /// <summary>The floor: NATS.Net's consume loop, the handler, an ack; one message at a time.</summary>
    private sealed class Floor : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public Floor(INatsJSConsumer consumer, BatchClock clock) => _loop = Task.Run(() => ConsumeAsync(consumer, clock));

        // Stops between messages: the last one's ack is sent before the loop ends.
        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
            }

            _stop.Dispose();
        }

        private async Task ConsumeAsync(INatsJSConsumer consumer, BatchClock clock)
        {
            var options = new NatsJSConsumeOpts { MaxMsgs = MaxMsgs };
            await foreach (var message in consumer.ConsumeAsync(NatsRawSerializer<ReadOnlyMemory<byte>>.Default, options, _stop.Token))
            {
                clock.Run(message.Data.Span);
                await message.AckAsync(cancellationToken: CancellationToken.None);
            }
        }
    }
}
