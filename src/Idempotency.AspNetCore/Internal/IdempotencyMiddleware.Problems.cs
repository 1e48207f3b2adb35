using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Idempotency.AspNetCore;

internal sealed partial class IdempotencyMiddleware
{
    // The core marks a key this way when the work ran but its result could not be stored (see IdempotencyClaim.CompleteRawAsync).
    private static readonly string ResultNotStoredType = typeof(IdempotencyResultNotStoredException).FullName!;

    /// <summary>Answers every typed outcome of the engine; the handler has not run.</summary>
    private Task WriteProblemAsync(HttpContext context, IdempotencyException exception) => exception switch
    {
        IdempotencyKeyMissingException => KeyMissingAsync(context),
        IdempotencyKeyInvalidException invalid => KeyInvalidAsync(context, invalid.Reason),
        IdempotencyKeyReusedException => ProblemResponse.WriteAsync(
            context,
            StatusCodes.Status422UnprocessableEntity,
            _types.KeyReused,
            "Idempotency key reused",
            "This idempotency key was already used with a different request (method, path, query, content type or body). Send a new key for a new request."),
        IdempotencyRequestInProgressException inProgress => ProblemResponse.WriteAsync(
            context,
            StatusCodes.Status409Conflict,
            _types.RequestInProgress,
            "Request in progress",
            "A request with this idempotency key is still being processed. Retry after the delay in Retry-After to get its response.",
            inProgress.RetryAfter),
        IdempotencyStoreUnavailableException unavailable => ProblemResponse.WriteAsync(
            context,
            StatusCodes.Status503ServiceUnavailable,
            _types.StoreUnavailable,
            "Idempotency store unavailable",
            "The request was not processed because its idempotency key could not be checked. Retry later with the same key.",
            unavailable.RetryAfter),
        IdempotencyRecordCorruptException => RecordCorruptAsync(context),
        IdempotencyPreviouslyFailedException { ErrorType: var errorType } when errorType == ResultNotStoredType => ProblemResponse.WriteAsync(
            context,
            _options.PreviouslyFailedStatusCode,
            _types.ResponseNotStored,
            "Response not stored",
            "The earlier request with this idempotency key was processed, but its response could not be stored. It was not processed again; check its effect before sending a new key."),
        IdempotencyPreviouslyFailedException failed => ProblemResponse.WriteAsync(
            context,
            _options.PreviouslyFailedStatusCode,
            _types.PreviouslyFailed,
            "Earlier request failed",
            string.Create(CultureInfo.InvariantCulture, $"The earlier request with this idempotency key failed, and the failure is remembered until {failed.ExpiresAt:O}. The request was not processed again; send a new key to try again.")),
        _ => throw new InvalidOperationException($"Unexpected idempotency outcome {exception.GetType().Name}.", exception),
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
