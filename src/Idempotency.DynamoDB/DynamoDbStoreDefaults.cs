namespace Idempotency.DynamoDB;

/// <summary>Every default value and fixed limit of the DynamoDB store in one place.</summary>
internal static class DynamoDbStoreDefaults
{
    public const string TableName = "idempotency_records";
    public const bool CreateTableOnStartup = false;
    public static readonly TimeSpan NativeExpiryDelay = TimeSpan.FromHours(1);

    // DynamoDB's table-name rules: 3 to 255 characters of [A-Za-z0-9_.-].
    public const int MinTableNameLength = 3;
    public const int MaxTableNameLength = 255;

    // Far beyond any clock skew; a longer delay only keeps dead items (and their storage cost) longer.
    public static readonly TimeSpan MaxNativeExpiryDelay = TimeSpan.FromDays(365);

    // A claim repeats only when the record it collided with vanished or changed between its write and its read-back.
    public const int MaxClaimAttempts = 8;

    // How often and how long CreateTableAsync waits for a new table to become ACTIVE.
    public static readonly TimeSpan TablePollInterval = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan TableActiveTimeout = TimeSpan.FromMinutes(5);
}
