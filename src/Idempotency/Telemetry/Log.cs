using Microsoft.Extensions.Logging;

namespace Idempotency;

/// <summary>
/// Every log event of the engine. Event ids and names are a public contract (docs/telemetry.md).
/// Raw keys and payloads are never logged: the store key holds only hashes.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Executed operation {Operation} for {StoreKey}", EventName = "Executed")]
    public static partial void Executed(ILogger logger, string operation, string storeKey);

    [LoggerMessage(2, LogLevel.Debug, "Replayed the stored result of {Operation} for {StoreKey} (local cache: {FromLocalCache})", EventName = "Replayed")]
    public static partial void Replayed(ILogger logger, string operation, string storeKey, bool fromLocalCache);

    [LoggerMessage(3, LogLevel.Warning, "Key reused with a different fingerprint for {Operation} at {StoreKey}", EventName = "KeyReused")]
    public static partial void KeyReused(ILogger logger, string operation, string storeKey);

    [LoggerMessage(4, LogLevel.Debug, "Operation {Operation} is already in progress for {StoreKey}", EventName = "InProgress")]
    public static partial void InProgress(ILogger logger, string operation, string storeKey);

    [LoggerMessage(5, LogLevel.Error, "Store call {StoreOperation} failed for {Operation}", EventName = "StoreUnavailable")]
    public static partial void StoreUnavailable(ILogger logger, Exception exception, string storeOperation, string operation);

    [LoggerMessage(6, LogLevel.Warning, "Store unavailable: running {Operation} unprotected (fail-open)", EventName = "FailOpen")]
    public static partial void FailOpen(ILogger logger, string operation);

    [LoggerMessage(7, LogLevel.Warning, "Lease lost for {Operation} at {StoreKey}: another owner took the key over (or an operator released it), the result was not stored", EventName = "LeaseLost")]
    public static partial void LeaseLost(ILogger logger, string operation, string storeKey);

    [LoggerMessage(8, LogLevel.Error, "Releasing {StoreKey} after a failure of {Operation} failed; a retry is blocked until the lease expires", EventName = "ReleaseFailed")]
    public static partial void ReleaseFailed(ILogger logger, Exception exception, string operation, string storeKey);

    [LoggerMessage(9, LogLevel.Error, "Storing the result of {Operation} at {StoreKey} failed until the lease ran out; a retry after the lease may run the operation again", EventName = "CompletionFailed")]
    public static partial void CompletionFailed(ILogger logger, Exception exception, string operation, string storeKey);

    [LoggerMessage(10, LogLevel.Warning, "Renewing the lease of {StoreKey} failed; retrying at the next tick", EventName = "RenewalFailed")]
    public static partial void RenewalFailed(ILogger logger, Exception exception, string storeKey);

    [LoggerMessage(11, LogLevel.Information, "Remembered a failure of {Operation} at {StoreKey} ({ErrorType})", EventName = "FailureRecorded")]
    public static partial void FailureRecorded(ILogger logger, string operation, string storeKey, string errorType);

    [LoggerMessage(12, LogLevel.Debug, "Operation {Operation} failed earlier at {StoreKey}; not running it again", EventName = "PreviouslyFailed")]
    public static partial void PreviouslyFailed(ILogger logger, string operation, string storeKey);

    [LoggerMessage(13, LogLevel.Error, "Stored record {StoreKey} is unreadable: {Reason}", EventName = "CorruptRecord")]
    public static partial void CorruptRecord(ILogger logger, string storeKey, string reason);

    [LoggerMessage(14, LogLevel.Debug, "Operation {Operation} has no idempotency key: {Handling}", EventName = "KeyMissing")]
    public static partial void KeyMissing(ILogger logger, string operation, string handling);

    [LoggerMessage(15, LogLevel.Debug, "Operation {Operation} got an invalid key: {Reason}", EventName = "KeyInvalid")]
    public static partial void KeyInvalid(ILogger logger, string operation, string reason);

    [LoggerMessage(16, LogLevel.Debug, "Released {StoreKey} after {Operation} did not complete", EventName = "Released")]
    public static partial void Released(ILogger logger, string operation, string storeKey);

    [LoggerMessage(17, LogLevel.Error, "The RememberFailure predicate of {Operation} threw; releasing the key instead", EventName = "RememberFailurePredicateFailed")]
    public static partial void RememberFailurePredicateFailed(ILogger logger, Exception exception, string operation);

    [LoggerMessage(18, LogLevel.Warning, "The store is full: refused a new claim for {Operation} ({Limit}); size the store or shorten TTLs", EventName = "StoreFull")]
    public static partial void StoreFull(ILogger logger, string operation, string limit);

    [LoggerMessage(19, LogLevel.Debug, "Operation {Operation} got a payload too large to fingerprint", EventName = "PayloadTooLarge")]
    public static partial void PayloadTooLarge(ILogger logger, string operation);

    [LoggerMessage(20, LogLevel.Warning, "Storing the result of {Operation} at {StoreKey} failed; retrying while the lease lasts", EventName = "CompletionRetrying")]
    public static partial void CompletionRetrying(ILogger logger, Exception exception, string operation, string storeKey);

    [LoggerMessage(21, LogLevel.Warning, "The result of {Operation} at {StoreKey} is not stored: {Reason} Retries are told; the operation does not run again", EventName = "ResultNotStored")]
    public static partial void ResultNotStored(ILogger logger, string operation, string storeKey, string reason);

    [LoggerMessage(22, LogLevel.Debug, "The earlier run of {Operation} at {StoreKey} ran but its result was not stored; not running it again", EventName = "ResultNotStoredReplayed")]
    public static partial void ResultNotStoredReplayed(ILogger logger, string operation, string storeKey);

    [LoggerMessage(23, LogLevel.Error, "The result of {Operation} at {StoreKey} could not be serialized; it is marked not stored", EventName = "SerializationFailed")]
    public static partial void SerializationFailed(ILogger logger, Exception exception, string operation, string storeKey);

    [LoggerMessage(24, LogLevel.Error, "The idempotency store is not set up, every call fails closed until it is (logged at most once a minute): {Problem}", EventName = "StoreMisconfigured")]
    public static partial void StoreMisconfigured(ILogger logger, string problem);

    [LoggerMessage(25, LogLevel.Warning, "The database transaction of {Operation} at {StoreKey} did not commit: neither the work's writes nor its result were kept, and a retry runs again", EventName = "TransactionNotCommitted")]
    public static partial void TransactionNotCommitted(ILogger logger, Exception exception, string operation, string storeKey);

    [LoggerMessage(26, LogLevel.Warning, "The database transaction of {Operation}, run without a claim (no key, or fail-open), did not commit: its writes were not kept", EventName = "UnclaimedTransactionNotCommitted")]
    public static partial void UnclaimedTransactionNotCommitted(ILogger logger, Exception exception, string operation);

    [LoggerMessage(27, LogLevel.Warning, "The claim of {Operation} at {StoreKey} was answered after its lease could lapse and another owner had taken the key over; the work did not run, the key is claimed again", EventName = "LateClaimTakenOver")]
    public static partial void LateClaimTakenOver(ILogger logger, string operation, string storeKey);
}
