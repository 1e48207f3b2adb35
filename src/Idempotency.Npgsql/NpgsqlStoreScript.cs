namespace Idempotency.Npgsql;

/// <summary>The shipped DDL (<c>Sql/create.sql</c>, embedded in the assembly) with the table's names filled in.</summary>
internal static class NpgsqlStoreScript
{
    private static readonly Lazy<string> Template = new(Load);

    public static string CreateTable(NpgsqlStoreSql sql) => Template.Value
        .Replace("{table}", sql.Table, StringComparison.Ordinal)
        .Replace("{expires_index}", sql.ExpiresIndex, StringComparison.Ordinal);

    // The shipped script ends every statement with ';' at the end of a line and has none inside a statement.
    public static IEnumerable<string> Statements(string script) =>
        script.Split(";\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(static statement => statement.TrimEnd(';'))
            .Where(static statement => statement.Split('\n').Any(static line => line.Trim() is { Length: > 0 } text && !text.StartsWith("--", StringComparison.Ordinal)));

    private static string Load()
    {
        using var stream = typeof(NpgsqlStoreScript).Assembly.GetManifestResourceStream("Idempotency.Npgsql.Sql.create.sql")
            ?? throw new InvalidOperationException("The embedded resource Sql/create.sql is missing from " + typeof(NpgsqlStoreScript).Assembly.GetName().Name + ".");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().ReplaceLineEndings("\n");
    }
}
