using Google.Protobuf;
using Grpc.Core;
using Idempotency.Testing;

namespace Idempotency.Grpc.Tests;

public sealed class ServerInterceptorTests
{
    private static readonly PlaceOrderRequest Order = new() { Item = "book", Quantity = 2 };

    [Fact]
    public async Task PlaceOrder_RetriedWithSameKey_ReplaysByteIdenticalResponseWithTrailerAndRunsOnce()
    {
        await using var server = await GrpcTestServer.StartAsync();
        var (client, channel) = server.CreateClient();
        using var _ = channel;
        var key = NewKey();

        using var first = client.PlaceOrderAsync(Order, WithKey(key));
        var firstReply = await first.ResponseAsync;
        using var retry = client.PlaceOrderAsync(Order, WithKey(key));
        var retryReply = await retry.ResponseAsync;

        Assert.Equal(firstReply.ToByteArray(), retryReply.ToByteArray());
        Assert.Equal(1, retryReply.Run);
        Assert.Null(first.GetTrailers().GetValue(GrpcIdempotencyMetadata.Replayed));
        Assert.Equal("true", retry.GetTrailers().GetValue(GrpcIdempotencyMetadata.Replayed));
        Assert.Equal(1, server.Probe.Runs);
    }

    [Fact]
    public async Task PlaceOrder_ConcurrentDuplicates_RunOnceAndTheRestAreAborted()
    {
        const int callers = 8;
        await using var server = await GrpcTestServer.StartAsync();
        server.Probe.Gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        var (client, channel) = server.CreateClient();
        using var _ = channel;
        var key = NewKey();
        using var start = new Barrier(callers);

        // Real threads, released together: the calls race for the key while the first run is held open.
        var calls = Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            start.SignalAndWait();
            try
            {
                return (Reply: await client.PlaceOrderAsync(Order, WithKey(key)).ResponseAsync, Status: StatusCode.OK);
            }
            catch (RpcException ex)
            {
                return (Reply: (OrderReply?)null, Status: ex.StatusCode);
            }
        })).ToList();
        var losers = new List<(OrderReply? Reply, StatusCode Status)>();
        while (losers.Count < callers - 1)
        {
            var done = await Task.WhenAny(calls).WaitAsync(TimeSpan.FromSeconds(30));
            calls.Remove(done);
            losers.Add(await done);
        }

        server.Probe.Gate.SetResult();
        var winner = await calls.Single();

        Assert.Equal(StatusCode.OK, winner.Status);
        Assert.All(losers, loser => Assert.Equal(StatusCode.Aborted, loser.Status));
        Assert.Equal(1, server.Probe.Runs);
    }

    [Fact]
    public async Task PlaceOrder_WhileFirstCallRuns_IsAbortedWithRetryAfter()
    {
        await using var server = await GrpcTestServer.StartAsync();
        server.Probe.Gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        var (client, channel) = server.CreateClient();
        using var _ = channel;
        var key = NewKey();

        var first = client.PlaceOrderAsync(Order, WithKey(key)).ResponseAsync;
        await server.Probe.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var second = await Assert.ThrowsAsync<RpcException>(() => client.PlaceOrderAsync(Order, WithKey(key)).ResponseAsync);
        server.Probe.Gate.SetResult();
        await first;

        Assert.Equal(StatusCode.Aborted, second.StatusCode);
        Assert.Equal("1", second.Trailers.GetValue(GrpcIdempotencyMetadata.RetryAfter));
        Assert.Equal("1000", second.Trailers.GetValue(GrpcIdempotencyMetadata.RetryPushback));
        Assert.Equal(1, server.Probe.Runs);
    }

    [Fact]
    public async Task PlaceOrder_KeyReusedWithAnotherRequest_FailsPreconditionWithoutRunning()
    {
        await using var server = await GrpcTestServer.StartAsync();
        var (client, channel) = server.CreateClient();
        using var _ = channel;
        var key = NewKey();

        await client.PlaceOrderAsync(Order, WithKey(key));
        var reused = await Assert.ThrowsAsync<RpcException>(() => client.PlaceOrderAsync(new PlaceOrderRequest { Item = "book", Quantity = 3 }, WithKey(key)).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, reused.StatusCode);
        Assert.Equal(1, server.Probe.Runs);
    }

    [Fact]
    public async Task PlaceOrder_KeyTooLong_IsInvalidArgumentWithoutRunning()
    {
        await using var server = await GrpcTestServer.StartAsync();
        var (client, channel) = server.CreateClient();
        using var _ = channel;

        var invalid = await Assert.ThrowsAsync<RpcException>(() => client.PlaceOrderAsync(Order, WithKey(new string('k', 256))).ResponseAsync);

        Assert.True(invalid.StatusCode == StatusCode.InvalidArgument, invalid.Status.Detail);
        Assert.Equal("The idempotency key is invalid: it is longer than 255 characters.", invalid.Status.Detail);
        Assert.Equal(0, server.Probe.Runs);
    }

    [Fact]
    public async Task PlaceOrder_KeySentTwice_IsInvalidArgumentWithoutRunning()
    {
        await using var server = await GrpcTestServer.StartAsync();
        var (client, channel) = server.CreateClient();
        using var _ = channel;
        var headers = new Metadata { { GrpcIdempotencyMetadata.Key, "a" }, { GrpcIdempotencyMetadata.Key, "b" } };

        var invalid = await Assert.ThrowsAsync<RpcException>(() => client.PlaceOrderAsync(Order, headers).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Equal(0, server.Probe.Runs);
    }

    [Fact]
    public async Task PlaceOrder_WithoutKey_RunsEveryTime()
    {
        await using var server = await GrpcTestServer.StartAsync();
        var (client, channel) = server.CreateClient();
        using var _ = channel;

        await client.PlaceOrderAsync(Order);
        await client.PlaceOrderAsync(Order);

        Assert.Equal(2, server.Probe.Runs);
    }

    [Theory]
    [InlineData("orders.Orders")]
    [InlineData("/orders.Orders/PlaceOrder")]
    public async Task PlaceOrder_WithoutKeyWhereRequired_IsInvalidArgumentWithoutRunning(string required)
    {
        await using var server = await GrpcTestServer.StartAsync(o => o.RequireKeyFor.Add(required));
        var (client, channel) = server.CreateClient();
        using var _ = channel;

        var missing = await Assert.ThrowsAsync<RpcException>(() => client.PlaceOrderAsync(Order).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, missing.StatusCode);
        Assert.Equal("This method requires the idempotency-key metadata.", missing.Status.Detail);
        Assert.Equal(0, server.Probe.Runs);
    }

    [Fact]
    public async Task PlaceOrder_StoreUnavailable_IsUnavailableWithRetryAfterWithoutRunning()
    {
        var store = new FaultInjectingIdempotencyStore(new InMemoryIdempotencyStore());
        store.ThrowUnavailable(IdempotencyStoreOperation.Claim);
        await using var server = await GrpcTestServer.StartAsync(store: store);
        var (client, channel) = server.CreateClient();
        using var _ = channel;

        var down = await Assert.ThrowsAsync<RpcException>(() => client.PlaceOrderAsync(Order, WithKey(NewKey())).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, down.StatusCode);
        Assert.Equal("1", down.Trailers.GetValue(GrpcIdempotencyMetadata.RetryAfter));
        Assert.Equal(0, server.Probe.Runs);
    }

    [Fact]
    public async Task PlaceOrder_HandlerAnswersNotFound_ReplaysTheStatusWithTrailerAndRunsOnce()
    {
        await using var server = await GrpcTestServer.StartAsync();
        server.Probe.FailWith = StatusCode.NotFound;
        var (client, channel) = server.CreateClient();
        using var _ = channel;
        var key = NewKey();

        var first = await Assert.ThrowsAsync<RpcException>(() => client.PlaceOrderAsync(Order, WithKey(key)).ResponseAsync);
        var retry = await Assert.ThrowsAsync<RpcException>(() => client.PlaceOrderAsync(Order, WithKey(key)).ResponseAsync);

        Assert.Equal((StatusCode.NotFound, "no book"), (first.StatusCode, first.Status.Detail));
        Assert.Equal((StatusCode.NotFound, "no book"), (retry.StatusCode, retry.Status.Detail));
        Assert.Equal("true", retry.Trailers.GetValue(GrpcIdempotencyMetadata.Replayed));
        Assert.Equal(1, server.Probe.Runs);
    }

    [Fact]
    public async Task PlaceOrder_HandlerFailsTransiently_RetryWithSameKeyRunsAgain()
    {
        await using var server = await GrpcTestServer.StartAsync();
        server.Probe.FailFirstRuns = 1;
        var (client, channel) = server.CreateClient();
        using var _ = channel;
        var key = NewKey();

        var failed = await Assert.ThrowsAsync<RpcException>(() => client.PlaceOrderAsync(Order, WithKey(key)).ResponseAsync);
        var reply = await client.PlaceOrderAsync(Order, WithKey(key));

        Assert.Equal(StatusCode.Unavailable, failed.StatusCode);
        Assert.Equal(2, reply.Run);
        Assert.Equal(2, server.Probe.Runs);
    }

    private static string NewKey() => Guid.NewGuid().ToString("N");

    private static Metadata WithKey(string key) => new() { { GrpcIdempotencyMetadata.Key, key } };
}
