namespace Idempotency.AspNetCore;

/// <summary>Which statuses are stored and replayed, and which release the key so a retry runs again.</summary>
internal sealed class ResponseStorageRules(IdempotencyMiddlewareOptions options)
{
    private readonly bool _storeServerErrors = options.StoreServerErrors;
    private readonly bool _successOnly = options.StoreOnlySuccessfulResponses;

    public bool ShouldStore(int statusCode) => statusCode switch
    {
        // An informational or upgrade response (101 hands the connection to another protocol) is no answer to replay.
        < 200 => false,

        // Asking the client to try again (timeout, conflict, too early, rate limit) or a client that went away.
        408 or 409 or 425 or 429 or 499 => false,
        >= 500 => _storeServerErrors,
        >= 400 => !_successOnly,
        _ => true,
    };
}
