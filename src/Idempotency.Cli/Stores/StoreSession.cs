using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StackExchange.Redis;

namespace Idempotency.Cli.Stores;

/// <summary>
/// A store opened the way an application opens it (AddIdempotency plus the store's Add…Store), with whatever creates
/// tables or schemas turned off: the tool reads and deletes records, it never sets a store up. The container's hosted
/// services (table creation, periodic purge) are never started: there is no host.
/// </summary>
internal sealed class StoreSession : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private StoreSession(ServiceProvider services)
    {
        _services = services;
        Administrator = services.GetRequiredService<IIdempotencyAdministrator>();
        Store = services.GetRequiredService<IIdempotencyStore>();
    }

    public IIdempotencyAdministrator Administrator { get; }

    public IIdempotencyStore Store { get; }

    public static async Task<StoreSession> OpenAsync(StoreSettings settings, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        var idempotency = services.AddIdempotency(options =>
        {
            if (settings.KeyPrefix is { } prefix)
            {
                options.KeyPrefix = prefix;
            }

            if (settings.Service is { } service)
            {
                options.ServiceName = service;
            }

            // Validated with the other options: a secret shorter than the engine accepts is a usage error.
            options.DigestSecret = DigestSecretVariable.Read();
        });
        switch (settings.Kind)
        {
            case StoreKind.Redis:
                await AddRedisAsync(idempotency, settings).ConfigureAwait(false);
                break;
            case StoreKind.Postgres:
                AddPostgres(idempotency, settings);
                break;
            case StoreKind.Sqlite:
                AddSqlite(idempotency, settings);
                break;
            case StoreKind.DynamoDb:
                AddDynamoDb(idempotency, settings);
                break;
            default:
                throw new CliUsageException($"unknown store '{settings.Kind}'.");
        }

        // Options are validated on first use, so a bad --service or --table fails here, as a usage error.
        var provider = services.BuildServiceProvider();
        try
        {
            return new StoreSession(provider);
        }
        catch
        {
            await provider.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    private static async Task AddRedisAsync(IIdempotencyBuilder idempotency, StoreSettings settings)
    {
        var configuration = ConfigurationOptions.Parse(settings.Connection);
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);

        // Registered through a factory so the container disposes (closes) it.
        idempotency.Services.AddSingleton<IConnectionMultiplexer>(_ => multiplexer);
        idempotency.AddRedisStore(options =>
        {
            options.InstanceName = settings.RedisInstance ?? options.InstanceName;
            options.Database = settings.RedisDatabase ?? options.Database;

            // An operator's tool neither warns about nor refuses an eviction policy: it claims nothing.
            options.EvictionCheck = Idempotency.StackExchangeRedis.RedisEvictionCheck.Allow;
        });
    }

    private static void AddPostgres(IIdempotencyBuilder idempotency, StoreSettings settings)
    {
        idempotency.Services.AddSingleton(_ => NpgsqlDataSource.Create(settings.Connection));
        idempotency.AddNpgsqlStore(options =>
        {
            options.SchemaName = settings.Schema ?? options.SchemaName;
            options.TableName = settings.Table ?? options.TableName;
            options.CreateTableOnStartup = false;
            options.PurgeEnabled = false;
        });
    }

    private static void AddSqlite(IIdempotencyBuilder idempotency, StoreSettings settings)
    {
        idempotency.AddSqliteStore(options =>
        {
            options.ConnectionString = SqliteConnection(settings.Connection);
            options.TableName = settings.Table ?? options.TableName;
            options.CreateTableIfMissing = false;
            options.PurgeEnabled = false;
        });
    }

    /// <summary>
    /// A bare path becomes a connection string; either way the file is opened without creating it (Mode=ReadWrite
    /// unless the string chose a mode), so a mistyped path fails instead of leaving an empty database behind.
    /// </summary>
    internal static string SqliteConnection(string connection)
    {
        var builder = connection.Contains('=', StringComparison.Ordinal)
            ? new SqliteConnectionStringBuilder(connection)
            : new SqliteConnectionStringBuilder { DataSource = connection };
        if (!connection.Contains("mode", StringComparison.OrdinalIgnoreCase))
        {
            builder.Mode = SqliteOpenMode.ReadWrite;
        }

        return builder.ConnectionString;
    }

    private static void AddDynamoDb(IIdempotencyBuilder idempotency, StoreSettings settings)
    {
        var config = new AmazonDynamoDBConfig { MaxErrorRetry = 2 };
        var local = false;
        if (Uri.TryCreate(settings.Connection, UriKind.Absolute, out var url))
        {
            config.ServiceURL = url.ToString();
            local = url.IsLoopback;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(settings.Connection);
        }

        // A local endpoint (dynalite, DynamoDB Local) takes any credentials when none are configured; against AWS the
        // SDK's usual chain (environment, profile, instance role) applies.
        idempotency.Services.AddSingleton<IAmazonDynamoDB>(_ => local && Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") is null
            ? new AmazonDynamoDBClient(new BasicAWSCredentials("local", "local"), config)
            : new AmazonDynamoDBClient(config));
        idempotency.AddDynamoDbStore(options =>
        {
            options.TableName = settings.Table ?? options.TableName;
            options.CreateTableOnStartup = false;
        });
    }
}
