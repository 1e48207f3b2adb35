using Idempotency.TestServers;

namespace Idempotency.Npgsql.Tests;

/// <summary>One PostgreSQL server for every test class here; the classes run one after another (outage tests stop it).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
