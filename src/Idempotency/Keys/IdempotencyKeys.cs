using System.Globalization;
using System.Text;

namespace Idempotency;

/// <summary>Tools that make idempotency keys.</summary>
public static class IdempotencyKeys
{
    /// <summary>Creates a random UUID version 4 key, the form clients send in <c>Idempotency-Key</c>.</summary>
    /// <returns>A lower-case UUID with hyphens.</returns>
    public static string NewUuid() => Guid.NewGuid().ToString("D");

    /// <summary>
    /// Joins parts into one key with an unambiguous length-prefixed encoding, so <c>("a:b", "c")</c> and
    /// <c>("a", "b:c")</c> give different keys. A <see langword="null"/> part is encoded apart from an empty one.
    /// </summary>
    /// <param name="parts">The parts, in order.</param>
    /// <returns>The composite key, for example <c>3:a:b,1:c,</c>.</returns>
    public static string Composite(params ReadOnlySpan<string?> parts)
    {
        var builder = new StringBuilder();
        foreach (var part in parts)
        {
            if (part is null)
            {
                builder.Append("~,");
                continue;
            }

            builder.Append(part.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(part).Append(',');
        }

        return builder.ToString();
    }
}
