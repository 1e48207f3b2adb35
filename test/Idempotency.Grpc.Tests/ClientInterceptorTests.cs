using Grpc.Core;
using Grpc.Net.Client.Configuration;

namespace Idempotency.Grpc.Tests;

public sealed class ClientInterceptorTests
{
    private static readonly PlaceOrderRequest Order = new() { Item = "book", Quantity = 2 };

    [Fact]
    public async Task PlaceOrder_ChannelRetryPolicyRetries_EveryAttemptCarriesTheSameKey()
    {
        await using var server = await GrpcTestServer.StartAsync();
        server.Probe.FailFirstRuns = 2;
        var retry = new RetryPolicy
        {
            MaxAttempts = 5,
            InitialBackoff = TimeSpan.FromMilliseconds(10),
            MaxBackoff = TimeSpan.FromMilliseconds(50),
            BackoffMultiplier = 1.5,
            RetryableStatusCodes = { StatusCode.Unavailable },
        };
        var (client, channel) = server.CreateClient(addKeys: true, retry);
        using var _ = channel;

        var reply = await client.PlaceOrderAsync(Order);

        // Three attempts of one logical call, all with one key: the two that failed released it, the third ran.
        Assert.Equal(3, reply.Run);
        Assert.Equal(3, server.Probe.Keys.Count);
        Assert.Single(server.Probe.Keys.Distinct());
        Assert.NotNull(server.Probe.Keys.First());
    }

    [Fact]
    public async Task PlaceOrder_TwoLogicalCalls_GetTwoKeysAndRunTwice()
    {
        await using var server = await GrpcTestServer.StartAsync();
        var (client, channel) = server.CreateClient(addKeys: true);
        using var _ = channel;

        await client.PlaceOrderAsync(Order);
        await client.PlaceOrderAsync(Order);

        Assert.Equal(2, server.Probe.Runs);
        Assert.Equal(2, server.Probe.Keys.Distinct().Count());
    }

    [Fact]
    public async Task PlaceOrder_CallerSentItsOwnKey_KeepsIt()
    {
        await using var server = await GrpcTestServer.StartAsync();
        var (client, channel) = server.CreateClient(addKeys: true);
        using var _ = channel;
        var headers = new Metadata { { GrpcIdempotencyMetadata.Key, "order-42" } };

        var first = await client.PlaceOrderAsync(Order, headers);
        var second = await client.PlaceOrderAsync(Order, headers);

        Assert.Equal(1, server.Probe.Runs);
        Assert.Equal(first.OrderId, second.OrderId);
        Assert.Equal(["order-42"], server.Probe.Keys);
    }
}
