using System.Text.RegularExpressions;

namespace Idempotency.Npgsql;

/// <summary>The shipped DDL (<c>Sql/create.sql</c>, embedded in the assembly) with the table's names filled in.</summary>
internal static partial class NpgsqlStoreScript
{
    private static readonly Lazy<string> Template = new(Load);

    public static string CreateTable(NpgsqlStoreSql sql) => Fill(Template.Value, new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["table"] = sql.Table,
        ["expires_index"] = sql.ExpiresIndex,
    });

    /// <summary>
    /// Replaces every <c>{name}</c> token of <paramref name="template"/> in a single scan: a replacement is never scanned
    /// again, so a name that itself holds a placeholder cannot pull another value into (or out of) its quotes.
    /// </summary>
    public static string Fill(string template, IReadOnlyDictionary<string, string> values) =>
        PlaceholderPattern().Replace(template, match => values.TryGetValue(match.Groups[1].Value, out var value)
            ? value
            : throw new InvalidOperationException($"The SQL template has a placeholder {match.Value} that nothing fills."));

    // The shipped script ends every statement with ';' at the end of a line and has none inside a statement.
    public static IEnumerable<string> Statements(string script) =>
        script.Split(";\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(static statement => statement.TrimEnd(';'))
            .Where(static statement => statement.Split('\n').Any(static line => line.Trim() is { Length: > 0 } text && !text.StartsWith("--", StringComparison.Ordinal)));

    [GeneratedRegex(@"\{([a-z_]+)\}", RegexOptions.CultureInvariant)]
    private static partial Regex PlaceholderPattern();

    private static string Load()
    {
        using var stream = typeof(NpgsqlStoreScript).Assembly.GetManifestResourceStream("Idempotency.Npgsql.Sql.create.sql")
            ?? throw new InvalidOperationException("The embedded resource Sql/create.sql is missing from " + typeof(NpgsqlStoreScript).Assembly.GetName().Name + ".");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().ReplaceLineEndings("\n");
    }
}
