namespace Idempotency;

/// <summary>Checks raw keys against the options; never echoes the key in its messages.</summary>
internal static class KeyValidation
{
    public static string? Problem(string key, IdempotencyOptions options)
    {
        if (key.Length == 0)
        {
            // Empty is not "missing": treating it so would run the work unprotected under an optional-key policy.
            return "it is empty.";
        }

        if (key.Length > options.MaxKeyLength)
        {
            return $"it is longer than {options.MaxKeyLength} characters.";
        }

        if (options.KeyValidator is { } validator)
        {
            return validator(key) ? null : "it does not match the configured key format.";
        }

        foreach (var c in key)
        {
            if (c is < ' ' or > '~')
            {
                return "it must contain only printable ASCII characters (U+0020 to U+007E).";
            }
        }

        return null;
    }
}
