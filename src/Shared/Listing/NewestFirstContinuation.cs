using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Idempotency.Listing;

/// <summary>
/// The continuation of a store that lists newest first across pages (ordered by creation time, then store key, both
/// descending): the creation time and key of the last record of the page, so the next page starts strictly after it.
/// Opaque to callers: a tag, then base64url of "ticks:key".
/// </summary>
/// <remarks>Compiled into every store that orders this way (src/Shared/Listing), rather than made public API.</remarks>
internal static class NewestFirstContinuation
{
    private const string Tag = "n1.";

    public static string Encode(DateTimeOffset createdAt, string key) =>
        Tag + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(createdAt.UtcTicks.ToString(CultureInfo.InvariantCulture) + ":" + key));

    /// <summary>Reads a continuation this type wrote.</summary>
    /// <exception cref="ArgumentException">The text did not come from <see cref="Encode"/>.</exception>
    public static (DateTimeOffset CreatedAt, string Key) Decode(string continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        if (!continuation.StartsWith(Tag, StringComparison.Ordinal))
        {
            throw Invalid();
        }

        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(continuation.AsSpan(Tag.Length)));
        }
        catch (FormatException ex)
        {
            throw Invalid(ex);
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0
            || colon == text.Length - 1
            || !long.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            throw Invalid();
        }

        return (new DateTimeOffset(ticks, TimeSpan.Zero), text[(colon + 1)..]);
    }

    private static ArgumentException Invalid(Exception? inner = null) =>
        new("The continuation was not returned by this store's listing.", "continuation", inner);
}
