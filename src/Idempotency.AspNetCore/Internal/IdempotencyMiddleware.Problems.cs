using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Idempotency.AspNetCore;

internal sealed partial class IdempotencyMiddleware
{
    /// <summary>Answers every engine outcome that does not let the handler run; the handler has not run.</summary>
    private Task WriteProblemAsync(HttpContext context, IdempotencyClaim claim) => claim.Status switch
    {
        IdempotencyClaimStatus.KeyMissing => KeyMissingAsync(context),
        IdempotencyClaimStatus.KeyInvalid => KeyInvalidAsync(context, claim.Reason!),
        IdempotencyClaimStatus.PayloadTooLarge => RequestBodyTooLargeAsync(context),
        IdempotencyClaimStatus.KeyReused => ProblemResponse.WriteAsync(
            context,
            StatusCodes.Status422UnprocessableEntity,
            _types.KeyReused,
            "Idempotency key reused",
            "This idempotency key was already used with a different request (method, path, query, content type or body). Send a new key for a new request."),
        IdempotencyClaimStatus.InProgress => ProblemResponse.WriteAsync(
            context,
            StatusCodes.Status409Conflict,
            _types.RequestInProgress,
            "Request in progress",
            "A request with this idempotency key is still being processed. Retry after the delay in Retry-After to get its response.",
            claim.RetryAfter),
        IdempotencyClaimStatus.StoreUnavailable => ProblemResponse.WriteAsync(
            context,
            StatusCodes.Status503ServiceUnavailable,
            _types.StoreUnavailable,
            "Idempotency store unavailable",
            claim.StoreFailure is IdempotencyStoreFullException
                ? "The request was not processed because the idempotency store is full of unexpired keys. Retry later with the same key."
                : "The request was not processed because its idempotency key could not be checked. Retry later with the same key.",
            claim.RetryAfter),
        IdempotencyClaimStatus.ResultNotStored => ProblemResponse.WriteAsync(
            context,
            _options.PreviouslyFailedStatusCode,
            _types.ResponseNotStored,
            "Response not stored",
            $"The earlier request with this idempotency key was processed, but its response was not stored: {claim.Reason} It was not processed again; check its effect before sending a new key."),
        IdempotencyClaimStatus.PreviouslyFailed => ProblemResponse.WriteAsync(
            context,
            _options.PreviouslyFailedStatusCode,
            _types.PreviouslyFailed,
            "Earlier request failed",
            string.Create(CultureInfo.InvariantCulture, $"The earlier request with this idempotency key failed, and the failure is remembered until {claim.ExpiresAt:O}. The request was not processed again; send a new key to try again.")),
        _ => RecordCorruptAsync(context),
    };

    private Task KeyMissingAsync(HttpContext context) => ProblemResponse.WriteAsync(
        context,
        StatusCodes.Status400BadRequest,
        _types.KeyMissing,
        "Idempotency key missing",
        $"This endpoint requires an {_options.HeaderName} header: a unique key per operation, the same on every retry.");

    private Task KeyInvalidAsync(HttpContext context, string reason) => ProblemResponse.WriteAsync(
        context,
        StatusCodes.Status400BadRequest,
        _types.KeyInvalid,
        "Idempotency key invalid",
        $"The {_options.HeaderName} header is invalid: {reason}");

    private Task RecordCorruptAsync(HttpContext context) => ProblemResponse.WriteAsync(
        context,
        StatusCodes.Status500InternalServerError,
        _types.RecordCorrupt,
        "Stored response unreadable",
        "The stored result of the earlier request with this idempotency key cannot be read. The request was not processed again.");

    private Task RequestBodyTooLargeAsync(HttpContext context) => ProblemResponse.WriteAsync(
        context,
        StatusCodes.Status413PayloadTooLarge,
        _types.RequestBodyTooLarge,
        "Request body too large",
        string.Create(CultureInfo.InvariantCulture, $"Requests with an idempotency key may have a body of at most {_options.MaxRequestBodySize} bytes."));
}
