// A consumer process for the crash test: the idempotent Kafka consumer on a Redis store, whose handler appends to a
// side-effect log ("begin <event>" before the work, "end <event>" after). With --hang-on, the handler of that event
// never finishes, so the test can kill the process mid-handler (SIGKILL). Stops gracefully when standard input closes.
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

var settings = args.Chunk(2).ToDictionary(pair => pair[0].TrimStart('-'), pair => pair[1]);
var log = new SideEffectLog(settings["log"]);
var hangOn = settings.GetValueOrDefault("hang-on");

var services = new ServiceCollection();
services.AddSingleton<IConnectionMultiplexer>(await ConnectionMultiplexer.ConnectAsync(settings["redis"]));
services.AddIdempotency(o =>
{
    o.ServiceName = "crash-test";
    o.DefaultPolicy.Lease = TimeSpan.FromMilliseconds(int.Parse(settings["lease-ms"]));
    o.DefaultPolicy.InProgressRetryAfter = TimeSpan.FromMilliseconds(200);
}).AddRedisStore().AddIdempotentKafkaConsumer(o =>
{
    o.ConsumerConfig = new ConsumerConfig
    {
        BootstrapServers = settings["bootstrap"],
        GroupId = settings["group"],
        AutoOffsetReset = AutoOffsetReset.Earliest,
        SessionTimeoutMs = 3000,
        HeartbeatIntervalMs = 300,
        AutoCommitIntervalMs = 100,
    };
    o.Topics.Add(settings["topic"]);
    o.RetryBackoff = TimeSpan.FromMilliseconds(200);
    o.DeadLetterTopic = settings["topic"] + ".dlq";
    o.AddHandler("charge", async (message, _, cancellationToken) =>
    {
        var eventId = JsonDocument.Parse(message.Body).RootElement.GetProperty("eventId").GetString()!;
        log.Append($"begin {eventId}");
        if (eventId == hangOn)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        log.Append($"end {eventId}");
    });
});

await using var provider = services.BuildServiceProvider();
var hosted = provider.GetServices<IHostedService>().ToList();
foreach (var service in hosted)
{
    await service.StartAsync(CancellationToken.None);
}

Console.WriteLine("started");
await Console.In.ReadToEndAsync();
foreach (var service in hosted)
{
    await service.StopAsync(CancellationToken.None);
}

/// <summary>The handler's side effect: a line per step, flushed before the handler goes on (a kill loses nothing written).</summary>
internal sealed class SideEffectLog(string path)
{
    private readonly Lock _gate = new();

    public void Append(string line)
    {
        lock (_gate)
        {
            File.AppendAllText(path, line + Environment.NewLine);
        }
    }
}
