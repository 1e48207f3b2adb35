using System.Text;

namespace Idempotency.Http;

/// <summary>
/// The key header's value as the Idempotency-Key draft defines it: an RFC 8941 Structured Field string, <c>"abc"</c>,
/// with <c>"</c> and <c>\</c> escaped. Servers that parse the header strictly reject a bare value, and a bare value
/// with a comma would read as a list.
/// </summary>
internal static class StructuredKey
{
    /// <summary>The key quoted; keys outside printable ASCII cannot be a Structured Field string.</summary>
    public static string Quote(string key)
    {
        var builder = new StringBuilder(key.Length + 2).Append('"');
        foreach (var c in key)
        {
            if (c is < ' ' or > '~')
            {
                throw new InvalidOperationException("An idempotency key must be printable ASCII (U+0020 to U+007E) to be sent as a Structured Field string.");
            }

            if (c is '"' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.Append('"').ToString();
    }

    /// <summary>The key a header value names: unquoted and unescaped when it is a string, as is otherwise.</summary>
    public static string Unquote(string value)
    {
        if (value.Length < 2 || value[0] != '"' || value[^1] != '"')
        {
            return value;
        }

        var builder = new StringBuilder(value.Length - 2);
        for (var i = 1; i < value.Length - 1; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length - 1)
            {
                i++;
            }

            builder.Append(value[i]);
        }

        return builder.ToString();
    }
}
