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
    private readonly IdempotencyMiddlewareOptions _options;
    private readonly IdempotencyProblemTypes _types;
    private readonly KeyHeaderReader _keyReader;
    private readonly ResponseHeaderFilter _headerFilter;
    private readonly ResponseStorageRules _storageRules;
    private readonly Func<HttpContext, string?> _scopeResolver;
    private readonly ILogger _logger;

    public IdempotencyMiddleware(RequestDelegate next, IIdempotencyExecutor executor, IdempotencyMiddlewareOptions options, ILoggerFactory loggerFactory)
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
        PipelineOrder.ThrowIfMisordered(context, context.GetEndpoint()!);
        var request = context.Request;
        var header = _keyReader.Read(request.Headers);
        if (header.Error is { } headerError)
        {
            Log.KeyHeaderInvalid(_logger, request.Method, request.Path, headerError);
        }

        // Only a readable key needs the body and the scope; every other answer is decided by the engine.
        string? fingerprint = null;
        string? scope = null;
        BufferedRequestBody? body = null;
        var tooLarge = false;
        if (header.Key is not null)
        {
            (fingerprint, body) = await RequestFingerprint.ComputeAsync(context, _options, context.RequestAborted).ConfigureAwait(false);
            tooLarge = fingerprint is null;
            if (tooLarge)
            {
                Log.RequestBodyTooLarge(_logger, request.Method, request.Path, _options.MaxRequestBodySize);
            }
        }

        try
        {
            // Inside the try: a resolver that refuses the caller must not leave the buffered body installed.
            if (fingerprint is not null)
            {
                scope = _scopeResolver(context);
            }

            var idempotencyRequest = new IdempotencyRequest(_options.OperationName, header.Key)
            {
                Scope = scope,
                Fingerprint = fingerprint,
                Policy = settings.Policy,
                Name = settings.Name,
                KeyRequirement = settings.KeyRequirement,
                KeyProblem = header.Error,
                PayloadTooLarge = tooLarge,
            };
            var claim = await _executor.BeginAsync(idempotencyRequest, context.RequestAborted).ConfigureAwait(false);
            await using (claim.ConfigureAwait(false))
            {
                var run = claim.Status switch
                {
                    IdempotencyClaimStatus.Replayed => ReplayAsync(context, claim),
                    IdempotencyClaimStatus.Acquired => ExecuteAsync(context, claim, scope),
                    IdempotencyClaimStatus.WithoutKey or IdempotencyClaimStatus.FailedOpen => RunUnprotectedAsync(context),
                    _ => WriteProblemAsync(context, claim),
                };
                await run.ConfigureAwait(false);
            }
        }
        finally
        {
            // The endpoint has finished with the buffered body: the server's own goes back and the buffer to the pool.
            body?.Dispose();
        }
    }

    private Task RunUnprotectedAsync(HttpContext context)
    {
        MiddlewarePassage.Mark(context);
        return _next(context);
    }
}
