// Started by the RabbitMQ crash test: one idempotent consumer of a queue over a Redis store shared with the next process.
// Its handler appends "RUN <eventId> <pid> <unix ms>" to a side-effect log (the effect whose executions the test counts),
// and on the event named by --hang it prints "HANGING" and never returns, so the test can kill it with SIGKILL mid-handler.
// Prints "READY" once consuming; stops cleanly when "stop" arrives on standard input.
// Usage: ChildConsumer --amqp <uri> --redis <conn> --instance <prefix> --queue <q> --log <file> [--hang <eventId>]
//        [--lease-ms 3000] [--prefetch 32] [--concurrency 8] [--delivery-limit 50]
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;
using StackExchange.Redis;

var arguments = Arguments.Parse(args);
await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(arguments.Value("--redis"));
await using var connection = await new ConnectionFactory { Uri = new Uri(arguments.Value("--amqp")) }.CreateConnectionAsync();
var log = arguments.Value("--log");
var hang = arguments.Value("--hang", string.Empty);
var appending = new Lock();

var services = new ServiceCollection();
services.AddSingleton<IConnectionMultiplexer>(multiplexer);
services.AddSingleton(connection);
services.AddIdempotency(o =>
{
    o.ServiceName = "crash-test";
    o.DefaultPolicy.Lease = TimeSpan.FromMilliseconds(arguments.Int("--lease-ms", 3000));
})
.AddRedisStore(o => o.InstanceName = arguments.Value("--instance"))
.AddIdempotentRabbitMqConsumer(arguments.Value("--queue"), o =>
{
    o.PrefetchCount = (ushort)arguments.Int("--prefetch", 32);
    o.ConcurrentDeliveries = (ushort)arguments.Int("--concurrency", 8);
    o.DeliveryLimit = arguments.Int("--delivery-limit", 50);
    o.RequeueDelay = TimeSpan.FromMilliseconds(200);
    o.AddHandler("charge", async (message, _, ct) =>
    {
        using var body = JsonDocument.Parse(message.Body);
        var eventId = body.RootElement.GetProperty("eventId").GetString()!;
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        var line = string.Create(CultureInfo.InvariantCulture, $"RUN {eventId} {Environment.ProcessId} {now}\n");

        // One append at a time: .NET appends by seeking to the end, not with O_APPEND, so two handlers appending at once
        // write at the same offset and one line is lost (the crash test then saw fewer runs than happened, under load).
        lock (appending)
        {
            File.AppendAllText(log, line);
        }

        if (eventId == hang)
        {
            Console.WriteLine("HANGING");
            await Task.Delay(Timeout.Infinite, ct);
        }
    });
});

await using var provider = services.BuildServiceProvider();
var hosted = provider.GetServices<IHostedService>().ToList();
foreach (var service in hosted)
{
    await service.StartAsync(CancellationToken.None);
}

Console.WriteLine("READY");
while (Console.ReadLine() is { } line && line != "stop")
{
}

foreach (var service in hosted)
{
    await service.StopAsync(CancellationToken.None);
}

Console.WriteLine("STOPPED");
return 0;

internal sealed record Arguments(string[] Args)
{
    public static Arguments Parse(string[] args) => new(args);

    public string Value(string name, string? fallback = null)
    {
        var index = Array.IndexOf(Args, name);
        return index >= 0 && index + 1 < Args.Length ? Args[index + 1] : fallback ?? throw new ArgumentException($"missing {name}");
    }

    public int Int(string name, int fallback) => int.Parse(Value(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
}
