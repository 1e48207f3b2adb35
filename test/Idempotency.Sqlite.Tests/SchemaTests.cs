using System.Reflection;

namespace Idempotency.Sqlite.Tests;

/// <summary>The schema: created on demand from the shipped script, in WAL mode, versioned, and refused when the version is unknown.</summary>
public sealed class SchemaTests : IDisposable
{
    private readonly SqliteFile _file = new();

    [Fact]
    public async Task FirstCall_MissingFileAndFolder_CreatesThemInWalModeWithVersionOne()
    {
        var path = Path.Combine(_file.Folder, "nested", "folder", "records.db");
        using (var store = new SqliteIdempotencyStore(new SqliteStoreOptions { ConnectionString = $"Data Source={path}" }))
        {
            Assert.True((await store.ClaimAsync(Fixtures.Claim("k", Fixtures.Start), default)).IsAcquired);
        }

        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT journal_mode FROM pragma_journal_mode), (SELECT version FROM idempotency_schema WHERE table_name = 'idempotency_records')";
        using var reader = command.ExecuteReader();
        reader.Read();
        Assert.Equal("wal", reader.GetString(0));
        Assert.Equal(1L, reader.GetInt64(1));
    }

    [Fact]
    public void GetCreateTableScript_IsTheShippedFileWithTheNamesFilledIn()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("repo/create.sql")!;
        var shipped = new StreamReader(stream).ReadToEnd().ReplaceLineEndings("\n");

        var expected = shipped
            .Replace("{table_name}", "'orders_keys'", StringComparison.Ordinal)
            .Replace("{expires_index}", "\"orders_keys_expires_at_idx\"", StringComparison.Ordinal)
            .Replace("{table}", "\"orders_keys\"", StringComparison.Ordinal);
        Assert.Equal(expected, SqliteIdempotencyStore.GetCreateTableScript(new SqliteStoreOptions { TableName = "orders_keys" }));
    }

    [Fact]
    public async Task Store_TableCreatedByTheScript_IsUsedAsIs()
    {
        _file.Execute(SqliteIdempotencyStore.GetCreateTableScript());
        using var store = _file.CreateStore(o => o.CreateTableIfMissing = false);

        Assert.True((await store.ClaimAsync(Fixtures.Claim("k", Fixtures.Start), default)).IsAcquired);
    }

    [Fact]
    public async Task Store_TableMissingAndCreationOff_FailsEveryCallAsMisconfiguredNamingTheFix()
    {
        using var store = _file.CreateStore(o => o.CreateTableIfMissing = false);

        var error = await Assert.ThrowsAsync<IdempotencyStoreMisconfiguredException>(async () => await store.ClaimAsync(Fixtures.Claim("k", Fixtures.Start), default));
        Assert.Contains("CreateTableIfMissing", error.Message, StringComparison.Ordinal);
        Assert.Contains("Sql/create.sql", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<IdempotencyStoreMisconfiguredException>(async () => await store.GetAsync("k", Fixtures.Start, default));
    }

    [Theory]
    [InlineData(2, "created by a newer version")]
    [InlineData(0, "Recreate the table")]
    public async Task Store_UnknownSchemaVersion_IsRefusedWithAClearError(int version, string advice)
    {
        using (var first = _file.CreateStore())
        {
            await first.CreateTableAsync(default);
        }

        _file.Execute($"UPDATE idempotency_schema SET version = {version}");
        using var store = _file.CreateStore();

        var error = await Assert.ThrowsAsync<IdempotencyStoreMisconfiguredException>(async () => await store.ClaimAsync(Fixtures.Claim("k", Fixtures.Start), default));
        Assert.Contains($"schema version {version}", error.Message, StringComparison.Ordinal);
        Assert.Contains(advice, error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, _file.Scalar("SELECT count(*) FROM idempotency_records"));
    }

    [Fact]
    public async Task Store_ForeignTableOfTheSameName_IsRefusedNotUsed()
    {
        _file.Execute("CREATE TABLE idempotency_records (id INTEGER PRIMARY KEY)");
        using var store = _file.CreateStore();

        var error = await Assert.ThrowsAsync<IdempotencyStoreMisconfiguredException>(async () => await store.CreateTableAsync(default));
        Assert.Contains("no schema version", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Store_TwoTablesInOneFile_KeepTheirRecordsApart()
    {
        using var orders = _file.CreateStore(o => o.TableName = "orders");
        using var payments = _file.CreateStore(o => o.TableName = "payments");

        Assert.True((await orders.ClaimAsync(Fixtures.Claim("k", Fixtures.Start, owner: "o"), default)).IsAcquired);
        Assert.True((await payments.ClaimAsync(Fixtures.Claim("k", Fixtures.Start, owner: "p"), default)).IsAcquired);
        Assert.Equal(2L, _file.Scalar("SELECT count(*) FROM idempotency_schema WHERE version = 1"));
    }

    [Fact]
    public async Task CreateTableAsync_EightStoresAtOnce_AllSucceedAndOneTableExists()
    {
        var stores = Enumerable.Range(0, 8).Select(_ => _file.CreateStore()).ToList();
        try
        {
            await Task.WhenAll(stores.Select(s => Task.Run(async () => await s.CreateTableAsync(default))));
        }
        finally
        {
            stores.ForEach(s => s.Dispose());
        }

        Assert.Equal(1L, _file.Scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'idempotency_records'"));
    }

    public void Dispose() => _file.Dispose();
}
