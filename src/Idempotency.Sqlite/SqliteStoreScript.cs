using System.Text.RegularExpressions;

namespace Idempotency.Sqlite;

/// <summary>The shipped DDL (<c>Sql/create.sql</c>, embedded in the assembly) with the table's names filled in.</summary>
internal static partial class SqliteStoreScript
{
    private static readonly Lazy<string> Template = new(Load);

    public static string CreateTable(SqliteStoreSql sql) => Fill(Template.Value, new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["table"] = sql.Table,
        ["expires_index"] = sql.ExpiresIndex,
        ["table_name"] = SqliteIdentifier.Literal(sql.Name),
    });

    /// <summary>
    /// Replaces every <c>{name}</c> token of <paramref name="template"/> in a single scan: a replacement is never scanned
    /// again, so a value cannot pull another one in.
    /// </summary>
    public static string Fill(string template, IReadOnlyDictionary<string, string> values) =>
        PlaceholderPattern().Replace(template, match => values.TryGetValue(match.Groups[1].Value, out var value)
            ? value
            : throw new InvalidOperationException($"The SQL template has a placeholder {match.Value} that nothing fills."));

    [GeneratedRegex(@"\{([a-z_]+)\}", RegexOptions.CultureInvariant)]
    private static partial Regex PlaceholderPattern();

    private static string Load()
    {
        using var stream = typeof(SqliteStoreScript).Assembly.GetManifestResourceStream("Idempotency.Sqlite.Sql.create.sql")
            ?? throw new InvalidOperationException("The embedded resource Sql/create.sql is missing from " + typeof(SqliteStoreScript).Assembly.GetName().Name + ".");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().ReplaceLineEndings("\n");
    }
}
