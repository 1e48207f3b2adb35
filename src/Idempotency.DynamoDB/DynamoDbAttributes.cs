namespace Idempotency.DynamoDB;

/// <summary>
/// The attribute names of an item, and the placeholders every expression uses for them (several, such as
/// <c>status</c> and <c>ttl</c>, are DynamoDB reserved words, so expressions never name attributes directly).
/// </summary>
internal static class DynamoDbAttributes
{
    public const string Key = "pk";
    public const string Revision = "rev";
    public const string Status = "status";
    public const string Owner = "owner";
    public const string Fingerprint = "fingerprint";
    public const string Created = "created_ms";
    public const string LeaseExpires = "lease_expires_ms";
    public const string Expires = "expires_ms";
    public const string Ttl = "ttl";
    public const string Payload = "payload";
    public const string Retryable = "retryable";

    /// <summary>Placeholder to name, for <c>ExpressionAttributeNames</c>. Every expression uses a subset; DynamoDB rejects unused names, so each request takes only its own.</summary>
    public static Dictionary<string, string> Names(params string[] attributes)
    {
        var names = new Dictionary<string, string>(attributes.Length, StringComparer.Ordinal);
        foreach (var attribute in attributes)
        {
            names[Placeholder(attribute)] = attribute;
        }

        return names;
    }

    public static string Placeholder(string attribute) => attribute switch
    {
        Key => "#pk",
        Revision => "#rev",
        Status => "#st",
        Owner => "#own",
        Fingerprint => "#fp",
        Created => "#cr",
        LeaseExpires => "#lease",
        Expires => "#exp",
        Ttl => "#ttl",
        Payload => "#pl",
        Retryable => "#retry",
        _ => throw new ArgumentOutOfRangeException(nameof(attribute), attribute, "Not an attribute of the store."),
    };
}
