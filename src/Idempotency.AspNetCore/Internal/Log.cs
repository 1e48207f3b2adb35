using Microsoft.Extensions.Logging;

namespace Idempotency.AspNetCore;

/// <summary>
/// The HTTP integration's log events (ids from 100; the engine's own events, ids 1-99, cover claims, replays and store
/// calls). Event names are a contract. Keys are never logged: store keys hold only a digest.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(101, LogLevel.Debug, "Rejected the idempotency key header of {Method} {Path}: {Reason}", EventName = "KeyHeaderInvalid")]
    public static partial void KeyHeaderInvalid(ILogger logger, string method, string path, string reason);

    [LoggerMessage(103, LogLevel.Information, "Request body of {Method} {Path} is larger than the {Limit}-byte fingerprint limit", EventName = "RequestBodyTooLarge")]
    public static partial void RequestBodyTooLarge(ILogger logger, string method, string path, long limit);

    [LoggerMessage(104, LogLevel.Debug, "Response {StatusCode} for {StoreKey} is not stored; the key is released", EventName = "ResponseNotStored")]
    public static partial void ResponseNotStored(ILogger logger, int statusCode, string storeKey);

    [LoggerMessage(105, LogLevel.Warning, "Response {StatusCode} for {StoreKey} is larger than the {Limit}-byte cap; retries will get a not-stored problem", EventName = "ResponseTooLarge")]
    public static partial void ResponseTooLarge(ILogger logger, int statusCode, string storeKey, int limit);

    [LoggerMessage(106, LogLevel.Warning, "Response for {StoreKey} wrote {Written} bytes but declared Content-Length {Declared}; retries will get a not-stored problem", EventName = "ContentLengthMismatch")]
    public static partial void ContentLengthMismatch(ILogger logger, string storeKey, long written, long declared);

    [LoggerMessage(107, LogLevel.Error, "Storing the response for {StoreKey} failed until its lease ended; it was sent but is not stored", EventName = "ResponseStoreFailed")]
    public static partial void ResponseStoreFailed(ILogger logger, string storeKey);

    [LoggerMessage(108, LogLevel.Warning, "The lease of {StoreKey} was taken over while the handler ran; its response was sent but not stored", EventName = "ResponseLeaseLost")]
    public static partial void ResponseLeaseLost(ILogger logger, string storeKey);

    [LoggerMessage(109, LogLevel.Error, "Stored response {StoreKey} is unreadable: {Reason}", EventName = "StoredResponseCorrupt")]
    public static partial void StoredResponseCorrupt(ILogger logger, string storeKey, string reason);

    [LoggerMessage(110, LogLevel.Debug, "Replayed the stored {StatusCode} response for {StoreKey}", EventName = "ResponseReplayed")]
    public static partial void ResponseReplayed(ILogger logger, int statusCode, string storeKey);

    [LoggerMessage(112, LogLevel.Warning, "Response {StatusCode} for {StoreKey} is not stored, its headers cannot be replayed: {Reason}", EventName = "ResponseHeadersUnstorable")]
    public static partial void ResponseHeadersUnstorable(ILogger logger, int statusCode, string storeKey, string reason);

    [LoggerMessage(113, LogLevel.Error, "The caller of {StoreKey} was authenticated after the idempotency middleware ran (in an MVC filter or the handler); its response is not stored. Authenticate before app.UseIdempotency()", EventName = "PrincipalChanged")]
    public static partial void PrincipalChanged(ILogger logger, string storeKey);

    [LoggerMessage(111, LogLevel.Warning, "Endpoint {Endpoint} asks for idempotency but answers only safe methods (GET, HEAD, OPTIONS, TRACE), which are never made idempotent", EventName = "SafeMethodEndpoint")]
    public static partial void SafeMethodEndpoint(ILogger logger, string endpoint);
}
