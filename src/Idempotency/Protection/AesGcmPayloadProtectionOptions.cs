namespace Idempotency;

/// <summary>
/// The AES-GCM key ring of <see cref="AesGcmPayloadProtector"/>: keys by id, one of them active. New payloads are
/// encrypted with the active key; a payload names its key, so records written before a rotation stay readable for as
/// long as their key stays in <see cref="Keys"/>.
/// </summary>
public sealed class AesGcmPayloadProtectionOptions
{
    /// <summary>Gets the keys: id (1-64 of <c>[A-Za-z0-9._-]</c>) to key, base64 of 16, 24 or 32 random bytes (AES-128/192/256).</summary>
    /// <value>The default value is an empty ring, which start-up validation refuses.</value>
    public IDictionary<string, string> Keys { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the id of the key new payloads are encrypted with; it must be in <see cref="Keys"/>.</summary>
    /// <value>The default value is <see langword="null"/>, which start-up validation refuses.</value>
    public string? ActiveKeyId { get; set; }

    internal static IEnumerable<string> Errors(AesGcmPayloadProtectionOptions options)
    {
        if (options.Keys.Count == 0)
        {
            yield return $"{nameof(Keys)} must hold at least one key (base64 of 16, 24 or 32 random bytes).";
        }

        foreach (var (id, key) in options.Keys)
        {
            if (!AesGcmKeyRing.IsValidId(id))
            {
                yield return $"Key id '{id}' must be 1-{AesGcmKeyRing.MaxIdLength} characters of letters, digits, '.', '_' or '-'.";
            }
            else if (AesGcmKeyRing.KeySize(key) is not (16 or 24 or 32) and var size)
            {
                // The key itself is never quoted: the message may end up in a log.
                yield return size < 0
                    ? $"Key '{id}' is not valid base64."
                    : $"Key '{id}' is {size} bytes; AES-GCM keys are 16, 24 or 32 bytes (base64 of 32 random bytes is recommended).";
            }
        }

        if (string.IsNullOrEmpty(options.ActiveKeyId))
        {
            yield return $"{nameof(ActiveKeyId)} must name the key new payloads are encrypted with.";
        }
        else if (!options.Keys.ContainsKey(options.ActiveKeyId))
        {
            yield return $"{nameof(ActiveKeyId)} '{options.ActiveKeyId}' is not in {nameof(Keys)}.";
        }
    }
}
