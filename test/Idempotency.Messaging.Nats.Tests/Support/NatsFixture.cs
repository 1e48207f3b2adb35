using Idempotency.TestServers;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Idempotency.Messaging.Nats.Tests;

/// <summary>One nats-server with JetStream per test class (classes run in parallel), and a connection the tests publish and inspect through.</summary>
public sealed class NatsFixture : IAsyncLifetime
{
    public NatsServer Server { get; } = new();

    public NatsConnection Connection { get; private set; } = null!;

    public INatsJSContext JetStream { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Server.InitializeAsync();
        Connection = new NatsConnection(new NatsOpts { Url = Server.Url, Name = "tests" });
        await Connection.ConnectAsync();
        JetStream = new NatsJSContext(Connection);
    }

    public async Task DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }

        await Server.DisposeAsync();
    }

    /// <summary>A stream of its own (subjects <c>NAME.&gt;</c>), so tests never see each other's messages.</summary>
    public async Task<TestStream> CreateStreamAsync()
    {
        var name = $"S{Guid.NewGuid():N}";
        await JetStream.CreateStreamAsync(new NATS.Client.JetStream.Models.StreamConfig(name, [$"{name}.>"]));
        return new TestStream(this, name);
    }
}
