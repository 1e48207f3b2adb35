using Idempotency.TestServers;

namespace Idempotency.EntityFrameworkCore.Tests;

/// <summary>One PostgreSQL server for every test class here (a real server, started on a free loopback port).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL EF Core";
}
