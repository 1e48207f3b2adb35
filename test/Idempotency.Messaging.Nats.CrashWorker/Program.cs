// Spawned by the NATS crash test: consumes a JetStream durable consumer with one handler whose every run is appended to a
// side-effect log ("START <event> <pid> <unix ms>" before, "DONE ..." after). With --hang-on, the handler never finishes
// that event, so the test can kill this process (kill -9) in the middle of it. Records live in Redis, which survives.
// Usage: CrashWorker --nats <url> --redis <conn> --stream <s> --consumer <c> --service <name> --log <file> [--hang-on <event>]
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NATS.Client.Core;
using StackExchange.Redis;

string Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? throw new ArgumentException($"missing {name}");
string? Optional(string name) => args.Contains(name) ? Value(name) : null;

var log = Value("--log");
var hangOn = Optional("--hang-on");
var services = new ServiceCollection();
services.AddSingleton<INatsConnection>(new NatsConnection(new NatsOpts { Url = Value("--nats"), Name = "crash-worker" }));
services.AddSingleton<IConnectionMultiplexer>(await ConnectionMultiplexer.ConnectAsync(Value("--redis")));
services.AddIdempotency(o =>
{
    o.ServiceName = Value("--service");
    o.DefaultPolicy.Lease = TimeSpan.FromSeconds(3); // short, so the crashed claim is taken over quickly
})
.AddRedisStore()
.AddIdempotentConsumer(o => o.ProgressInterval = TimeSpan.FromMilliseconds(500))
.AddIdempotentNatsConsumer(o =>
{
    o.Stream = Value("--stream");
    o.Consumer = Value("--consumer");
    o.AddHandler("ship-order", async (message, _, cancellationToken) =>
    {
        using var json = JsonDocument.Parse(message.Body);
        var eventId = json.RootElement.GetProperty("eventId").GetString()!;
        Append("START", eventId);
        if (eventId == hangOn)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        await Task.Delay(10, cancellationToken);
        Append("DONE", eventId);
    });
});

await using var provider = services.BuildServiceProvider();
foreach (var service in provider.GetServices<IHostedService>())
{
    await service.StartAsync(CancellationToken.None);
}

Console.WriteLine("READY");
await Task.Delay(Timeout.Infinite);

// One line per write, appended and flushed at once: the test reads the file while this process runs, and after kill -9.
void Append(string what, string eventId)
{
    var line = string.Create(CultureInfo.InvariantCulture, $"{what} {eventId} {Environment.ProcessId} {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}\n");
    lock (log)
    {
        File.AppendAllText(log, line);
    }
}
