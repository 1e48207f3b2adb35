using Npgsql;

namespace Idempotency.Npgsql.Tests;

/// <summary>Schema and table names are spliced into SQL text: only plain identifiers pass, with a message that says what is allowed.</summary>
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("t{expires_index}")]
    [InlineData("{table}")]
    [InlineData("x\"; DROP TABLE y; --")]
    [InlineData("semi;colon")]
    [InlineData("with space")]
    [InlineData("dash-ed")]
    [InlineData("1starts_with_a_digit")]
    public void Errors_TableNameNotAPlainIdentifier_IsRejectedWithTheRule(string table)
    {
        var error = Assert.Single(NpgsqlStoreOptionsValidator.Errors(new NpgsqlStoreOptions { TableName = table }));

        Assert.Contains("TableName", error, StringComparison.Ordinal);
        Assert.Contains("letters, digits and underscores", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("s{table}")]
    [InlineData("my\"schema")]
    [InlineData("a;b")]
    public void Errors_SchemaNameNotAPlainIdentifier_IsRejected(string schema)
    {
        var error = Assert.Single(NpgsqlStoreOptionsValidator.Errors(new NpgsqlStoreOptions { SchemaName = schema }));

        Assert.Contains("SchemaName", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("public", "idempotency_records")]
    [InlineData("Billing", "Records_2")]
    [InlineData("_private", "_t")]
    [InlineData("schéma", "données")]
    public void Errors_PlainIdentifiers_Pass(string schema, string table) =>
        Assert.Empty(NpgsqlStoreOptionsValidator.Errors(new NpgsqlStoreOptions { SchemaName = schema, TableName = table }));

    [Fact]
    public void Errors_SchemaNameOver63Bytes_IsRejected() =>
        Assert.Single(NpgsqlStoreOptionsValidator.Errors(new NpgsqlStoreOptions { SchemaName = new string('s', 64) }));

    [Fact]
    public async Task Constructor_TableNameWithAPlaceholder_Throws()
    {
        await using var dataSource = NpgsqlDataSource.Create("Host=127.0.0.1;Username=nobody");

        Assert.Throws<ArgumentException>(() => new NpgsqlIdempotencyStore(dataSource, new NpgsqlStoreOptions { TableName = "t{expires_index}" }));
        Assert.Throws<ArgumentException>(() => NpgsqlIdempotencyStore.GetCreateTableScript(new NpgsqlStoreOptions { TableName = "t{expires_index}" }));
    }
}
