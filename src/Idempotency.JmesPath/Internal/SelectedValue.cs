using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Idempotency.JmesPath;

/// <summary>Turns what an expression selected into a key or a fingerprint.</summary>
internal static class SelectedValue
{
    /// <summary>
    /// The key for a selected value: a string as is; an array as the composite of its items; a number, boolean or object
    /// as its canonical JSON text — replaced by <c>sha256:</c> and its content hash when that text is longer than
    /// <see cref="JmesPathKeySelector.MaxDerivedKeyLength"/> or not printable ASCII.
    /// </summary>
    /// <returns>The key, or <see langword="null"/> when the value counts as missing (see <see cref="IsMissing"/>).</returns>
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
    public static string ToFingerprint(JToken value) => ContentHash.ComputeCanonicalJson(Utf8Json(value));

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

    private static string CanonicalText(JToken value) => Encoding.UTF8.GetString(ContentHash.CanonicalizeJson(Utf8Json(value)));

    private static byte[] Utf8Json(JToken value) => Encoding.UTF8.GetBytes(value.ToString(Formatting.None));

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
