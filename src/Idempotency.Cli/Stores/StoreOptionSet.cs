using System.CommandLine;

namespace Idempotency.Cli.Stores;

/// <summary>The options every verb takes to reach a store, and --json.</summary>
internal sealed class StoreOptionSet
{
    private readonly Option<string> _store = new("--store")
    {
        Description = "The store: redis, postgres, sqlite or dynamodb.",
        Required = true,
    };

    private readonly Option<string> _connection = new("--connection")
    {
        Description = "Redis configuration string, Npgsql connection string, SQLite file path or connection string, or DynamoDB service URL (or AWS region name).",
        Required = true,
    };

    private readonly Option<string?> _keyPrefix = new("--key-prefix") { Description = "The engine's key prefix (IdempotencyOptions.KeyPrefix). Default: idem." };

    private readonly Option<string?> _service = new("--service") { Description = "The service name (IdempotencyOptions.ServiceName). Default: default." };

    private readonly Option<string?> _redisInstance = new("--redis-instance") { Description = "Redis: the extra key prefix (RedisStoreOptions.InstanceName). Default: none." };

    private readonly Option<int?> _redisDatabase = new("--redis-database") { Description = "Redis: the database number (RedisStoreOptions.Database). Default: the connection's." };

    private readonly Option<string?> _schema = new("--schema") { Description = "PostgreSQL: the table's schema (NpgsqlStoreOptions.SchemaName). Default: public." };

    private readonly Option<string?> _table = new("--table") { Description = "PostgreSQL, SQLite, DynamoDB: the table name. Default: idempotency_records." };

    private readonly Option<bool> _json = new("--json") { Description = "Write one JSON document on stdout instead of tables." };

    public StoreOptionSet() => _store.AcceptOnlyFromAmong(StoreKind.All);

    public void AddTo(Command command)
    {
        command.Options.Add(_store);
        command.Options.Add(_connection);
        command.Options.Add(_keyPrefix);
        command.Options.Add(_service);
        command.Options.Add(_redisInstance);
        command.Options.Add(_redisDatabase);
        command.Options.Add(_schema);
        command.Options.Add(_table);
        command.Options.Add(_json);
        command.Validators.Add(result =>
        {
            // The raw token: an unknown store is the parser's own error, and reading the value would throw.
            var kind = result.GetResult(_store)?.Tokens.FirstOrDefault()?.Value;
            Refuse(result, _redisInstance, kind is not StoreKind.Redis, "--redis-instance is for --store redis.");
            Refuse(result, _redisDatabase, kind is not StoreKind.Redis, "--redis-database is for --store redis.");
            Refuse(result, _schema, kind is not StoreKind.Postgres, "--schema is for --store postgres.");
            Refuse(result, _table, kind is StoreKind.Redis, "--table is not for --store redis (see --redis-instance).");
        });
    }

    public bool Json(ParseResult parseResult) => parseResult.GetValue(_json);

    public StoreSettings Read(ParseResult parseResult) => new(
        parseResult.GetValue(_store)!,
        parseResult.GetValue(_connection)!,
        parseResult.GetValue(_keyPrefix),
        parseResult.GetValue(_service),
        parseResult.GetValue(_redisInstance),
        parseResult.GetValue(_redisDatabase),
        parseResult.GetValue(_schema),
        parseResult.GetValue(_table));

    private static void Refuse(System.CommandLine.Parsing.CommandResult result, Option option, bool refused, string message)
    {
        if (refused && result.GetResult(option) is { Implicit: false })
        {
            result.AddError(message);
        }
    }
}
