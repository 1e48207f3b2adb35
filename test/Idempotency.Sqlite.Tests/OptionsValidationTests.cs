namespace Idempotency.Sqlite.Tests;

/// <summary>Options are checked once, with messages that say what is allowed; the table name is spliced into SQL text.</summary>
public sealed class OptionsValidationTests
{
    private static SqliteStoreOptions Valid() => new() { ConnectionString = "Data Source=idempotency.db" };

    [Fact]
    public void Errors_Defaults_OnlyTheConnectionStringIsMissing()
    {
        var error = Assert.Single(SqliteStoreOptionsValidator.Errors(new SqliteStoreOptions()));

        Assert.StartsWith("ConnectionString must name the database file", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_ValidOptions_None() => Assert.Empty(SqliteStoreOptionsValidator.Errors(Valid()));

    [Theory]
    [InlineData("Data Source=:memory:")]
    [InlineData("Data Source=x;Mode=Memory")]
    [InlineData("Data Source=")]
    public void Errors_InMemoryDatabase_IsRejected(string connectionString)
    {
        var error = Assert.Single(SqliteStoreOptionsValidator.Errors(new SqliteStoreOptions { ConnectionString = connectionString }));

        Assert.Contains("in-memory store", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_ReadOnlyDatabase_IsRejected() =>
        Assert.Contains("read-only", Assert.Single(SqliteStoreOptionsValidator.Errors(new SqliteStoreOptions { ConnectionString = "Data Source=x.db;Mode=ReadOnly" })), StringComparison.Ordinal);

    [Fact]
    public void Errors_UnknownKeyword_NamesItWithoutEchoingTheString()
    {
        var error = Assert.Single(SqliteStoreOptionsValidator.Errors(new SqliteStoreOptions { ConnectionString = "Data Source=x.db;Colour=blue" }));

        Assert.StartsWith("ConnectionString is not a valid SQLite connection string", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("t{expires_index}")]
    [InlineData("x\"; DROP TABLE y; --")]
    [InlineData("with space")]
    [InlineData("1starts_with_a_digit")]
    [InlineData("données")]
    public void Errors_TableNameNotAPlainIdentifier_IsRejectedWithTheRule(string table)
    {
        var options = Valid();
        options.TableName = table;

        Assert.Contains("letters, digits and underscores", Assert.Single(SqliteStoreOptionsValidator.Errors(options)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sqlite_records")]
    [InlineData("idempotency_schema")]
    [InlineData("IDEMPOTENCY_SCHEMA")]
    public void Errors_ReservedTableName_IsRejected(string table)
    {
        var options = Valid();
        options.TableName = table;

        Assert.Single(SqliteStoreOptionsValidator.Errors(options));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(3_600_001)]
    public void Errors_BusyTimeoutOutOfRange_IsRejected(int milliseconds)
    {
        var options = Valid();
        options.BusyTimeout = TimeSpan.FromMilliseconds(milliseconds);

        Assert.Equal("BusyTimeout must be between 1 millisecond and 1 hour.", Assert.Single(SqliteStoreOptionsValidator.Errors(options)));
    }

    [Fact]
    public void Errors_PurgeSettings_AreChecked()
    {
        var options = Valid();
        options.PurgeInterval = TimeSpan.Zero;
        options.PurgeBatchSize = 0;

        Assert.Equal(["PurgeInterval must be positive.", "PurgeBatchSize must be at least 1."], SqliteStoreOptionsValidator.Errors(options));
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsNamingEveryProblem()
    {
        var error = Assert.Throws<ArgumentException>(() => new SqliteIdempotencyStore(new SqliteStoreOptions { TableName = "a b" }));

        Assert.Contains("ConnectionString", error.Message, StringComparison.Ordinal);
        Assert.Contains("TableName", error.Message, StringComparison.Ordinal);
    }
}
