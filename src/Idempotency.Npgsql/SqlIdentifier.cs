using System.Text;

namespace Idempotency.Npgsql;

/// <summary>Checks and quotes the schema and table names, which are spliced into SQL text (identifiers cannot be parameters).</summary>
internal static class SqlIdentifier
{
    /// <summary>
    /// Only plain identifiers pass: letters, digits and underscores, not starting with a digit. Quoting alone would keep
    /// any name inside its identifier, but a plain name also cannot hold a quote, a brace (a placeholder of the DDL
    /// template) or a statement separator, whatever code later builds SQL from it.
    /// </summary>
    public static string? Problem(string? name, string what, int maxBytes)
    {
        if (string.IsNullOrEmpty(name))
        {
            return $"{what} must not be empty.";
        }

        if (!IsPlain(name))
        {
            return $"{what} must be a plain identifier: letters, digits and underscores, not starting with a digit (it is \"{Printable(name)}\").";
        }

        if (Encoding.UTF8.GetByteCount(name) > maxBytes)
        {
            return $"{what} must be at most {maxBytes} bytes (PostgreSQL truncates longer identifiers).";
        }

        return null;
    }

    // Always quoted: the name is used exactly as given (case-sensitive), and no name can break out of the identifier.
    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static bool IsPlain(string name)
    {
        if (!(char.IsLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsLetter(c) || char.IsAsciiDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    // The rejected name is shown so the operator can find it in configuration; control characters would garble the log.
    private static string Printable(string name) => string.Concat(name.Select(static c => char.IsControl(c) ? '?' : c));
}
