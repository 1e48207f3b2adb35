namespace Idempotency.Cli.Stores;

/// <summary>
/// The application's <c>IdempotencyOptions.DigestSecret</c>, read from the environment variable
/// <see cref="Name"/> (base64). With a secret, store keys are HMACs under it: without the same secret the tool computes
/// another key for --key and answers "not found". An environment variable, not an option: a command line is visible
/// to every user of the machine (ps) and lands in shell history.
/// </summary>
internal static class DigestSecretVariable
{
    public const string Name = "IDEMPOTENCY_DIGEST_SECRET";

    /// <summary>The secret's bytes, or <see langword="null"/> when the variable is unset or empty.</summary>
    /// <exception cref="CliUsageException">The variable is not base64 (its value is never quoted).</exception>
    public static byte[]? Read()
    {
        var value = Environment.GetEnvironmentVariable(Name);
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        try
        {
            return Convert.FromBase64String(value.Trim());
        }
        catch (FormatException)
        {
            throw new CliUsageException($"{Name} is not base64.");
        }
    }
}
