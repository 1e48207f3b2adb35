namespace Idempotency.Npgsql.Tests;

/// <summary>The DDL template is filled in one pass: a replacement is never scanned for placeholders again.</summary>
public sealed class StoreScriptTests
{
    [Fact]
    public void Fill_ReplacementHoldsAPlaceholder_IsNotRescanned()
    {
        var filled = NpgsqlStoreScript.Fill("A {table} B {expires_index}", new Dictionary<string, string>
        {
            ["table"] = "\"{expires_index}\"",
            ["expires_index"] = "\"{table}\"",
        });

        Assert.Equal("A \"{expires_index}\" B \"{table}\"", filled);
    }

    [Fact]
    public void Fill_UnknownPlaceholder_Throws()
    {
        var error = Assert.Throws<InvalidOperationException>(() => NpgsqlStoreScript.Fill("{table} {other}", new Dictionary<string, string> { ["table"] = "t" }));

        Assert.Contains("{other}", error.Message, StringComparison.Ordinal);
    }

    // The validator refuses such names; the script must not depend on it to keep each name inside its quotes.
    [Fact]
    public void CreateTable_TableNameHoldsAPlaceholder_StaysInsideItsQuotedIdentifier()
    {
        var script = NpgsqlStoreScript.CreateTable(new NpgsqlStoreSql("public", "t{expires_index}"));

        Assert.Contains("CREATE TABLE IF NOT EXISTS \"public\".\"t{expires_index}\" (", script, StringComparison.Ordinal);
        Assert.Contains("CREATE INDEX IF NOT EXISTS \"t{expires_index}_expires_at_idx\" ON \"public\".\"t{expires_index}\" (expires_at);", script, StringComparison.Ordinal);
    }
}
