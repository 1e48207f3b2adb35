using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Idempotency.AspNetCore;

/// <summary>
/// The Idempotency-Key middleware: runs an opted-in request once per key and scope, replays its stored response to
/// every retry, and answers the error cases with problem responses without running the handler.
/// Split by concern: this file dispatches, <c>.Execute</c> runs and captures, <c>.Replay</c> replays, <c>.Problems</c> maps errors.
/// </summary>
internal sealed partial class IdempotencyMiddleware
{
    private readonly RequestDelegate _next;
    private readonly IIdempotencyExecutor _executor;
    private readonly HttpIdempotencyOptions _options;
    private readonly HttpIdempotencyProblemTypes _types;
    private readonly KeyHeaderReader _keyReader;
    private readonly ResponseHeaderFilter _headerFilter;
    private readonly ResponseStorageRules _storageRules;
    private readonly Func<HttpContext, string?> _scopeResolver;
    private readonly ILogger _logger;

    public IdempotencyMiddleware(RequestDelegate next, IIdempotencyExecutor executor, HttpIdempotencyOptions options, ILoggerFactory loggerFactory)
    {
        _next = next;
        _executor = executor;
        _options = options;
        _types = options.ProblemTypes;
        _keyReader = new KeyHeaderReader(options);
        _headerFilter = new ResponseHeaderFilter(options);
        _storageRules = new ResponseStorageRules(options);
        _scopeResolver = options.ScopeResolver ?? DefaultScopeResolver.Resolve;
        _logger = loggerFactory.CreateLogger("Idempotency.AspNetCore");
    }

    /// <summary>Not async: endpoints that did not opt in, and safe methods, go straight on without any cost.</summary>
    public Task Invoke(HttpContext context) =>
        EndpointIdempotency.TryGet(context, _options.ApplyToAllPostAndPatch, out var settings)
            ? InvokeIdempotentAsync(context, settings)
            : _next(context);

    private async Task InvokeIdempotentAsync(HttpContext context, EndpointIdempotency settings)
    {
        var request = context.Request;
        var header = _keyReader.Read(request.Headers);
        if (header.Error is { } headerError)
        {
            Log.KeyHeaderInvalid(_logger, request.Method, request.Path, headerError);
            await KeyInvalidAsync(context, headerError).ConfigureAwait(false);
            return;
        }

        var key = header.Key;
        if (key is null && settings.KeyRequirement is { } requirement)
        {
            if (requirement == KeyRequirement.Optional)
            {
                await _next(context).ConfigureAwait(false);
                return;
            }

            Log.KeyHeaderMissing(_logger, request.Method, request.Path);
            await KeyMissingAsync(context).ConfigureAwait(false);
            return;
        }

        string? fingerprint = null;
        string? scope = null;
        BufferedRequestBody? body = null;
        if (key is not null)
        {
            (fingerprint, body) = await RequestFingerprint.ComputeAsync(context, _options, context.RequestAborted).ConfigureAwait(false);
            if (fingerprint is null)
            {
                Log.RequestBodyTooLarge(_logger, request.Method, request.Path, _options.MaxRequestBodySize);
                await RequestBodyTooLargeAsync(context).ConfigureAwait(false);
                return;
            }

            scope = _scopeResolver(context);
        }

        try
        {
            // Without a key and without an endpoint-level requirement, the policy decides: 400, or run unprotected.
            var idempotencyRequest = new IdempotencyRequest(_options.OperationName, key) { Scope = scope, Fingerprint = fingerprint, Policy = settings.Policy };
            IdempotencyClaim claim;
            try
            {
                claim = await _executor.BeginAsync(idempotencyRequest, context.RequestAborted).ConfigureAwait(false);
            }
            catch (IdempotencyException exception)
            {
                await WriteProblemAsync(context, exception).ConfigureAwait(false);
                return;
            }

            await using (claim.ConfigureAwait(false))
            {
                switch (claim.Status)
                {
                    case IdempotencyClaimStatus.Replay:
                        await ReplayAsync(context, claim).ConfigureAwait(false);
                        break;
                    case IdempotencyClaimStatus.Acquired:
                        await ExecuteAsync(context, claim).ConfigureAwait(false);
                        break;
                    default:
                        await _next(context).ConfigureAwait(false);
                        break;
                }
            }
        }
        finally
        {
            // The endpoint has finished with the buffered body: the server's own goes back and the buffer to the pool.
            body?.Dispose();
        }
    }
}
