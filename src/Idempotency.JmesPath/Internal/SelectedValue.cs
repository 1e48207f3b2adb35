using System.Buffers;
using System.Text;
using Newtonsoft.Json.Linq;

namespace Idempotency.JmesPath;

/// <summary>Turns what an expression selected into a key or a fingerprint.</summary>
internal static class SelectedValue
{
    // The core's canonical-number range (ContentHash.ComputeCanonicalJson): 1e999999 is accepted, 1e1000000 refused.
    private const int MaxExponent = 999_999;

    private delegate T CanonicalFunc<T>(ReadOnlySpan<byte> json);

    /// <summary>
    /// The key for a selected value: a string as is; an array as the composite of its items; a number, boolean or object
    /// as its canonical JSON text — replaced by <c>sha256:</c> and its content hash when that text is longer than
    /// <see cref="JmesPathKeySelector.MaxDerivedKeyLength"/> or not printable ASCII.
    /// </summary>
    /// <returns>The key, or <see langword="null"/> when the value counts as missing (see <see cref="IsMissing"/>).</returns>
    /// <exception cref="UnrepresentableSelectionException">The value has no canonical JSON.</exception>
    public static string? ToKey(JToken value)
    {
        if (IsMissing(value))
        {
            return null;
        }

        if (value.Type == JTokenType.String)
        {
            return (string)value!;
        }

        var derived = value is JArray array ? Composite(array) : CanonicalText(value);
        return derived.Length <= JmesPathKeySelector.MaxDerivedKeyLength && IsPrintableAscii(derived)
            ? derived
            : JmesPathKeySelector.HashedKeyPrefix + ContentHash.Compute(Encoding.UTF8.GetBytes(derived));
    }

    /// <summary>The canonical-JSON hash of a selected value (a missing value hashes as <c>null</c>).</summary>
    /// <exception cref="UnrepresentableSelectionException">The value has no canonical JSON.</exception>
    public static string ToFingerprint(JToken value) => Canonical(value, static json => ContentHash.ComputeCanonicalJson(json));

    /// <summary>
    /// Whether a value names nothing: <c>null</c>, <c>""</c>, <c>[]</c>, <c>{}</c>, or an array or object whose every
    /// item is itself missing (a multi-select of fields the payload does not have gives <c>[null, null]</c>).
    /// </summary>
    public static bool IsMissing(JToken value) => value switch
    {
        JArray array => array.All(IsMissing),
        JObject obj => obj.PropertyValues().All(IsMissing),
        _ => value.Type switch
        {
            JTokenType.Null or JTokenType.Undefined => true,
            JTokenType.String => ((string?)value)!.Length == 0,
            _ => false,
        },
    };

    private static string Composite(JArray array)
    {
        var parts = new string?[array.Count];
        for (var i = 0; i < parts.Length; i++)
        {
            var item = array[i];
            parts[i] = item.Type switch
            {
                JTokenType.Null or JTokenType.Undefined => null,
                JTokenType.String => (string)item!,
                _ => CanonicalText(item),
            };
        }

        return IdempotencyKeys.Composite(parts);
    }

    private static string CanonicalText(JToken value) => Canonical(value, static json => Encoding.UTF8.GetString(ContentHash.CanonicalizeJson(json)));

    private static T Canonical<T>(JToken value, CanonicalFunc<T> canonical)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var json = SelectedJson.Write(value, buffer);
        try
        {
            return canonical(json);
        }
        catch (System.Text.Json.JsonException)
        {
            // What SelectedJson writes is valid JSON within the depth limit; the core refuses only a number beyond its range.
            throw new UnrepresentableSelectionException($"a number out of the supported range (a decimal exponent beyond ±{MaxExponent})");
        }
    }

    private static bool IsPrintableAscii(string text)
    {
        foreach (var c in text)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
