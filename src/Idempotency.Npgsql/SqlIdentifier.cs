using System.Text;

namespace Idempotency.Npgsql;

/// <summary>Checks and quotes the schema and table names, which are spliced into SQL text (identifiers cannot be parameters).</summary>
internal static class SqlIdentifier
{
    public static string? Problem(string? name, string what, int maxBytes)
    {
        if (string.IsNullOrEmpty(name))
        {
            return $"{what} must not be empty.";
        }

        if (Encoding.UTF8.GetByteCount(name) > maxBytes)
        {
            return $"{what} must be at most {maxBytes} bytes (PostgreSQL truncates longer identifiers).";
        }

        foreach (var c in name)
        {
            if (char.IsControl(c))
            {
                return $"{what} must not contain control characters.";
            }
        }

        return null;
    }

    // Always quoted: the name is used exactly as given (case-sensitive), and no name can break out of the identifier.
    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
