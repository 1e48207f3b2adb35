using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Idempotency.DynamoDB;
using Idempotency.TestServers;

namespace Idempotency.Benchmarks.DynamoDb;

/// <summary>
/// What the DynamoDB comparison needs: a real dynalite (the test fixture), a client, the library's executor on the store,
/// and the raw floor's plain requests on a table of the same shape. <see cref="StartAsync"/> checks one round trip of each.
/// </summary>
internal sealed class DynamoDbBenchmarkServer : IAsyncDisposable
{
    public const string Service = "bench";
    public const string Operation = "orders";
    public const string LibraryTable = "bench_library";
    public const string FloorTable = "bench_floor";
    public static readonly TimeSpan Ttl = TimeSpan.FromMinutes(10);
    public static readonly Redis.RedisBenchmarkServer.Order Result = Redis.RedisBenchmarkServer.Result;

    private static readonly AttributeValue ClaimOwner = new() { S = "0123456789abcdef0123456789abcdef" };
    private readonly DynaliteServer _server = new();

    private DynamoDbBenchmarkServer()
    {
    }

    public AmazonDynamoDBClient Client { get; private set; } = null!;

    public IIdempotencyExecutor Executor { get; private set; } = null!;

    public static async Task<DynamoDbBenchmarkServer> StartAsync()
    {
        var bench = new DynamoDbBenchmarkServer();
        await bench._server.InitializeAsync();
        bench.Client = new AmazonDynamoDBClient(new BasicAWSCredentials("bench", "bench"), new AmazonDynamoDBConfig { ServiceURL = bench._server.ServiceUrl, AuthenticationRegion = "us-east-1" });
        var store = new DynamoDbIdempotencyStore(bench.Client, new DynamoDbStoreOptions { TableName = LibraryTable });
        await store.CreateTableAsync(CancellationToken.None);
        await new DynamoDbIdempotencyStore(bench.Client, new DynamoDbStoreOptions { TableName = FloorTable }).CreateTableAsync(CancellationToken.None);
        var options = new IdempotencyOptions { ServiceName = Service };
        options.DefaultPolicy.Ttl = Ttl;
        bench.Executor = IdempotencyExecutor.Create(options, store);
        await bench.CheckRoundTripsAsync();
        return bench;
    }

    public async Task<Redis.RedisBenchmarkServer.Order> LibraryAsync(string key) =>
        (await Executor.ExecuteAsync(new IdempotencyRequest(Operation, key), static _ => ValueTask.FromResult(Result), CancellationToken.None)).Value;

    /// <summary>The floor of a first execution: a conditional PutItem (claim) and an owner-guarded UpdateItem of the JSON result.</summary>
    public async Task<Redis.RedisBenchmarkServer.Order> FloorFirstExecutionAsync(string key)
    {
        await Client.PutItemAsync(new PutItemRequest
        {
            TableName = FloorTable,
            Item = new() { ["pk"] = new() { S = key }, ["owner"] = ClaimOwner, ["status"] = new() { N = "0" } },
            ConditionExpression = "attribute_not_exists(pk)",
        });
        var result = Result;
        await Client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = FloorTable,
            Key = new() { ["pk"] = new() { S = key } },
            UpdateExpression = "SET #st = :done, payload = :payload",
            ConditionExpression = "#own = :owner",
            ExpressionAttributeNames = new() { ["#st"] = "status", ["#own"] = "owner" },
            ExpressionAttributeValues = new() { [":done"] = new() { N = "1" }, [":owner"] = ClaimOwner, [":payload"] = new() { B = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(result)) } },
        });
        return result;
    }

    /// <summary>
    /// The guarded floor of a first execution: the requests the store sends, item for item and expression for expression
    /// (a claim item of eight attributes under the store's claim condition, then the owner-guarded completion of five
    /// attributes), without the engine. The gap between the floor and this one is what the record format and its
    /// conditions cost on the server; the gap between this one and the library is the library's own.
    /// </summary>
    public async Task<Redis.RedisBenchmarkServer.Order> FloorGuardedFirstExecutionAsync(string key)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        AttributeValue Number(long value) => new() { N = value.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var names = new Dictionary<string, string> { ["#pk"] = "pk", ["#rev"] = "rev", ["#exp"] = "expires_ms", ["#st"] = "status", ["#lease"] = "lease_expires_ms", ["#retry"] = "retryable" };
        await Client.PutItemAsync(new PutItemRequest
        {
            TableName = FloorTable,
            Item = new()
            {
                ["pk"] = new() { S = key }, ["rev"] = Number(1), ["status"] = Number(0), ["owner"] = ClaimOwner, ["created_ms"] = Number(now),
                ["lease_expires_ms"] = Number(now + 30_000), ["expires_ms"] = Number(now + 600_000), ["ttl"] = Number((now / 1000) + 4_200),
            },
            ConditionExpression = "attribute_not_exists(#pk) OR (#rev = :rev AND (#exp <= :now OR (#st = :inProgress AND #lease <= :now) OR (#st = :failed AND #retry = :true)))",
            ExpressionAttributeNames = names,
            ExpressionAttributeValues = new() { [":rev"] = Number(1), [":now"] = Number(now), [":inProgress"] = Number(0), [":failed"] = Number(2), [":true"] = new() { BOOL = true } },
            ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
        });
        var result = Result;
        await Client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = FloorTable,
            Key = new() { ["pk"] = new() { S = key } },
            UpdateExpression = "SET #st = :status, #lease = :now, #exp = :expires, #ttl = :ttl, #retry = :retryable, #pl = :payload",
            ConditionExpression = "#rev = :rev AND #own = :owner AND #st = :inProgress",
            ExpressionAttributeNames = new() { ["#rev"] = "rev", ["#own"] = "owner", ["#st"] = "status", ["#lease"] = "lease_expires_ms", ["#exp"] = "expires_ms", ["#ttl"] = "ttl", ["#retry"] = "retryable", ["#pl"] = "payload" },
            ExpressionAttributeValues = new()
            {
                [":rev"] = Number(1), [":owner"] = ClaimOwner, [":inProgress"] = Number(0), [":status"] = Number(1), [":now"] = Number(now),
                [":expires"] = Number(now + 600_000), [":ttl"] = Number((now / 1000) + 4_200), [":retryable"] = new() { BOOL = false },
                [":payload"] = new() { B = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(result)) },
            },
            ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
        });
        return result;
    }

    /// <summary>
    /// The floor of a replay with the requests the library makes on dynalite: the claim's refused PutItem, then a
    /// consistent GetItem and the deserialization (real DynamoDB returns the old item with the refusal instead).
    /// </summary>
    public async Task<Redis.RedisBenchmarkServer.Order> FloorReplayAsync(string key)
    {
        try
        {
            await Client.PutItemAsync(new PutItemRequest
            {
                TableName = FloorTable,
                Item = new() { ["pk"] = new() { S = key }, ["owner"] = ClaimOwner, ["status"] = new() { N = "0" } },
                ConditionExpression = "attribute_not_exists(pk)",
                ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
            });
            throw new InvalidOperationException("The floor record is missing.");
        }
        catch (ConditionalCheckFailedException)
        {
        }

        var item = (await Client.GetItemAsync(new GetItemRequest { TableName = FloorTable, Key = new() { ["pk"] = new() { S = key } }, ConsistentRead = true })).Item;
        return JsonSerializer.Deserialize<Redis.RedisBenchmarkServer.Order>(item["payload"].B.ToArray()) ?? throw new InvalidOperationException("The floor record is empty.");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _server.DisposeAsync();
    }

    private async Task CheckRoundTripsAsync()
    {
        var first = await Executor.ExecuteAsync(new IdempotencyRequest(Operation, "check"), static _ => ValueTask.FromResult(Result), CancellationToken.None);
        var replay = await Executor.ExecuteAsync(new IdempotencyRequest(Operation, "check"), static _ => ValueTask.FromResult(Result), CancellationToken.None);
        if (first.IsReplayed || !replay.IsReplayed || replay.Value != Result)
        {
            throw new InvalidOperationException("The DynamoDB store does not execute then replay; refusing to measure.");
        }

        await FloorFirstExecutionAsync("floor-check");
        await FloorGuardedFirstExecutionAsync("floor-guarded-check");
        if (await FloorReplayAsync("floor-check") != Result)
        {
            throw new InvalidOperationException("The raw floor does not round-trip; refusing to measure.");
        }
    }
}
