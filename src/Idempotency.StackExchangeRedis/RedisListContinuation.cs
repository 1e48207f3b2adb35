using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Idempotency.StackExchangeRedis;

/// <summary>
/// Where the next page of a Redis listing starts: the primary being scanned (its endpoint), the <c>SCAN</c> cursor of
/// the batch to read, and, when the previous page stopped inside that batch, the last key it took (the batch's keys are
/// taken in ordinal order, so the next page reads the batch again and takes the keys after it). Opaque to callers.
/// </summary>
internal readonly record struct RedisListContinuation(string Server, ulong Cursor, string? AfterKey)
{
    private const string Tag = "r1.";

    public string Encode() =>
        Tag + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Join('\n', Server, Cursor.ToString(CultureInfo.InvariantCulture), AfterKey ?? string.Empty)));

    /// <exception cref="ArgumentException">The text was not written by <see cref="Encode"/>.</exception>
    public static RedisListContinuation Decode(string continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        if (!continuation.StartsWith(Tag, StringComparison.Ordinal))
        {
            throw Invalid();
        }

        string[] parts;
        try
        {
            parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(continuation.AsSpan(Tag.Length))).Split('\n', 3);
        }
        catch (FormatException ex)
        {
            throw Invalid(ex);
        }

        if (parts.Length != 3 || parts[0].Length == 0 || !ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var cursor))
        {
            throw Invalid();
        }

        return new RedisListContinuation(parts[0], cursor, parts[2].Length == 0 ? null : parts[2]);
    }

    public static ArgumentException Invalid(Exception? inner = null, string? reason = null) =>
        new(reason ?? "The continuation was not returned by this store's listing.", "continuation", inner);
}
