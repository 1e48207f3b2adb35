using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Idempotency.DynamoDB;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionsDemo;

/// <summary>
/// The store the demo's records live in: the in-process one (default), or a DynamoDB table on a DynamoDB-compatible
/// endpoint such as a local <c>dynalite</c> (<c>--store dynamodb --service-url http://127.0.0.1:PORT [--table NAME]</c>).
/// </summary>
internal sealed record StoreChoice(string Name, string? ServiceUrl, string Table)
{
    public const string Usage = "usage: FunctionsDemo [--store inmemory | --store dynamodb --service-url http://127.0.0.1:PORT [--table NAME]]";

    public bool IsDynamoDb => Name == "dynamodb";

    public string Description => IsDynamoDb ? $"DynamoDB table '{Table}' at {ServiceUrl}" : "in-memory store";

    /// <summary>Reads the options; <see langword="null"/> (with the reason on standard error) when they make no sense.</summary>
    public static StoreChoice? Parse(string[] args)
    {
        string store = "inmemory", table = "idempotency_records";
        string? serviceUrl = null;
        for (var i = 0; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--store" when value is "inmemory" or "dynamodb": store = value; break;
                case "--service-url" when Uri.TryCreate(value, UriKind.Absolute, out _): serviceUrl = value; break;
                case "--table" when value is { Length: > 0 }: table = value; break;
                default:
                    Console.Error.WriteLine($"unknown or incomplete option '{args[i]}'. {Usage}");
                    return null;
            }
        }

        if (store == "dynamodb" && serviceUrl is null)
        {
            Console.Error.WriteLine($"--store dynamodb needs --service-url (e.g. a local dynalite: npm install -g dynalite; dynalite --port 4567). {Usage}");
            return null;
        }

        return new StoreChoice(store, serviceUrl, table);
    }

    /// <summary>Adds the chosen store to the idempotency services.</summary>
    public void AddTo(IIdempotencyBuilder idempotency)
    {
        if (!IsDynamoDb)
        {
            return; // the engine's default: the in-process store
        }

        // A local endpoint takes any credentials; against AWS, leave them to the SDK's usual chain instead.
        idempotency.Services.AddSingleton<IAmazonDynamoDB>(new AmazonDynamoDBClient(
            new BasicAWSCredentials("local", "local"),
            new AmazonDynamoDBConfig { ServiceURL = ServiceUrl, MaxErrorRetry = 2 }));
        idempotency.AddDynamoDbStore(o => o.TableName = Table);
    }

    /// <summary>Creates the table (on-demand billing, TTL enabled) when it is missing; a plain service provider runs no hosted services.</summary>
    public async Task PrepareAsync(IServiceProvider services)
    {
        if (IsDynamoDb)
        {
            await services.GetRequiredService<DynamoDbIdempotencyStore>().CreateTableAsync(CancellationToken.None);
        }
    }
}
