namespace Idempotency.Sqlite;

/// <summary>Checks and quotes the table name, which is spliced into SQL text (identifiers cannot be parameters).</summary>
internal static class SqliteIdentifier
{
    /// <summary>
    /// Only plain identifiers pass: letters, digits and underscores, not starting with a digit, so a name cannot hold a
    /// quote, a brace (a placeholder of the DDL template) or a statement separator. SQLite reserves the <c>sqlite_</c>
    /// prefix, and the schema-version table's name is taken.
    /// </summary>
    public static string? Problem(string? name, string what)
    {
        if (string.IsNullOrEmpty(name))
        {
            return $"{what} must not be empty.";
        }

        if (!IsPlain(name))
        {
            return $"{what} must be a plain identifier: letters, digits and underscores, not starting with a digit (it is \"{Printable(name)}\").";
        }

        if (name.StartsWith("sqlite_", StringComparison.OrdinalIgnoreCase))
        {
            return $"{what} must not start with \"sqlite_\" (reserved by SQLite).";
        }

        // SQLite compares identifiers case-insensitively (ASCII).
        return string.Equals(name, SqliteStoreDefaults.SchemaTable, StringComparison.OrdinalIgnoreCase)
            ? $"{what} must not be \"{SqliteStoreDefaults.SchemaTable}\" (the store's schema-version table)."
            : null;
    }

    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static bool IsPlain(string name)
    {
        if (!(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    // The rejected name is shown so the operator can find it in configuration; control characters would garble the log.
    private static string Printable(string name) => string.Concat(name.Select(static c => char.IsControl(c) ? '?' : c));
}
