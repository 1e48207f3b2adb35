using Idempotency.Testing;

namespace Idempotency.Sqlite.Tests;

/// <summary>The store conformance suite against a real SQLite file: one file per test class, a fresh store object per test.</summary>
public sealed class SqliteStoreConformanceTests(SqliteFile file) : IdempotencyStoreConformanceTests, IClassFixture<SqliteFile>
{
    protected override ValueTask<IIdempotencyStore> CreateStoreAsync() => ValueTask.FromResult<IIdempotencyStore>(file.CreateStore());
}
