using Microsoft.AspNetCore.Http;

namespace Idempotency.AspNetCore.OpenApi;

/// <summary>One problem the middleware answers with: its <c>type</c> and <c>title</c> as the middleware writes them.</summary>
internal sealed record Problem(string Name, string Type, string Title);

/// <summary>One documented status and the problems it stands for.</summary>
internal sealed record ProblemStatus(int Status, string Description, IReadOnlyList<Problem> Problems, bool RetryAfter);

/// <summary>
/// The answers an idempotent operation can get from the middleware instead of its handler's response, as the
/// middleware writes them (<c>IdempotencyMiddleware.Problems.cs</c>; the titles are kept equal to it and a test
/// compares them with real responses).
/// </summary>
internal static class IdempotencyProblems
{
    public static IEnumerable<ProblemStatus> For(IdempotencyMiddlewareOptions options, IdempotentOperation operation)
    {
        var types = options.ProblemTypes;
        Problem invalid = new("key-invalid", types.KeyInvalid, "Idempotency key invalid");
        yield return operation.KeyRequirement == KeyRequirement.Required
            ? new ProblemStatus(
                StatusCodes.Status400BadRequest,
                $"The {options.HeaderName} header is missing or invalid; the request was not processed.",
                [new("key-missing", types.KeyMissing, "Idempotency key missing"), invalid],
                RetryAfter: false)
            : new ProblemStatus(
                StatusCodes.Status400BadRequest,
                $"The {options.HeaderName} header is invalid; the request was not processed.",
                [invalid],
                RetryAfter: false);

        yield return new ProblemStatus(
            StatusCodes.Status409Conflict,
            "The first request with this key is still being processed. Retry with the same key after Retry-After seconds to get its response.",
            [new("request-in-progress", types.RequestInProgress, "Request in progress")],
            RetryAfter: true);

        yield return new ProblemStatus(
            StatusCodes.Status422UnprocessableEntity,
            "The key was used before with a different request (method, path, query, content type or body). Send a new key for a new request.",
            [new("key-reused", types.KeyReused, "Idempotency key reused")],
            RetryAfter: false);

        // Fail-open policies run the handler unprotected when the store fails, so they never answer 503.
        if (operation.Policy.StoreFailureMode == StoreFailureMode.FailClosed)
        {
            yield return new ProblemStatus(
                StatusCodes.Status503ServiceUnavailable,
                "The key could not be checked (the idempotency store failed or is full); the request was not processed. Retry with the same key after Retry-After seconds.",
                [new("store-unavailable", types.StoreUnavailable, "Idempotency store unavailable")],
                RetryAfter: true);
        }
    }
}
