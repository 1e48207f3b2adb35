using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Idempotency.AspNetCore;

internal sealed partial class IdempotencyMiddleware
{
    /// <summary>Runs the handler under the claim, capturing its response through a write-through tee, then stores or releases.</summary>
    private async Task ExecuteAsync(HttpContext context, IdempotencyClaim claim, string? scope)
    {
        var response = context.Response;
        var priorFeature = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        var capture = new ResponseCaptureStream(priorFeature.Stream, response, _options.MaxResponseBodySize, _storageRules);
        var captureFeature = new CaptureResponseBodyFeature(priorFeature, capture);
        var lifetime = new HandlerLifetime(context.Features.GetRequiredFeature<IHttpRequestLifetimeFeature>(), context.Features.Get<IHttpResetFeature>());
        context.Features.Set<IHttpResponseBodyFeature>(captureFeature);
        lifetime.Install(context.Features);
        MiddlewarePassage.Mark(context);
        try
        {
            try
            {
                await _next(context).ConfigureAwait(false);
                await captureFeature.FlushWriterAsync().ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                await AbandonAsync(context, claim, exception).ConfigureAwait(false);
                throw;
            }
            finally
            {
                context.Features.Set(priorFeature);
                lifetime.Uninstall(context.Features);
            }

            if (lifetime.Aborted)
            {
                // The handler gave up on its response (HttpContext.Abort(), a stream reset): whatever was written is not an answer to
                // keep. Treated as the handler failing, so the policy decides, as for an exception.
                await claim.FailAsync(new InvalidOperationException("The handler aborted the connection (HttpContext.Abort()), so its response is incomplete."), CancellationToken.None).ConfigureAwait(false);
                return;
            }

            // Compared even when the principal object is the same: authentication after this middleware may have added an
            // identity to it in place.
            if (ScopeChanged(context, scope))
            {
                // Authenticated after this middleware (an MVC filter, the handler itself): the key was claimed in another
                // principal's scope, so the response must not be kept there, where that principal's retries would get it.
                Log.PrincipalChanged(_logger, claim.StoreKey!);
                await claim.MarkNotStoredAsync("the caller was authenticated after the idempotency middleware ran, so the response cannot be kept for the right principal.", CancellationToken.None).ConfigureAwait(false);
                return;
            }

            await FinishAsync(context, claim, capture).ConfigureAwait(false);
        }
        finally
        {
            await capture.DisposeAsync().ConfigureAwait(false);
        }
    }

    private bool ScopeChanged(HttpContext context, string? scope)
    {
        try
        {
            return !string.Equals(_scopeResolver(context), scope, StringComparison.Ordinal);
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    /// <summary>
    /// The handler threw, so nothing is stored: the policy may remember the failure; otherwise the key is released and a
    /// retry runs again. Work cancelled because the client went away is released, unless its response had started: then
    /// the handler had done its work and was sending the result, so a retry must not run it again.
    /// </summary>
    private static async Task AbandonAsync(HttpContext context, IdempotencyClaim claim, Exception exception)
    {
        if (exception is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            await claim.FailAsync(exception, CancellationToken.None).ConfigureAwait(false);
        }
        else if (context.Response.HasStarted)
        {
            await claim.MarkNotStoredAsync("the client disconnected while its response was being sent.", CancellationToken.None).ConfigureAwait(false);
        }
        else
        {
            await claim.ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The handler returned. Its effects happened, so the response is stored even when the client has gone away: the
    /// retry that follows is exactly what the key is for. Statuses that ask for a retry release the key instead.
    /// </summary>
    private async Task FinishAsync(HttpContext context, IdempotencyClaim claim, ResponseCaptureStream capture)
    {
        var response = context.Response;
        var status = response.StatusCode;
        var storeKey = claim.StoreKey!;
        if (!_storageRules.ShouldStore(status))
        {
            Log.ResponseNotStored(_logger, status, storeKey);
            await claim.ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
            return;
        }

        if (capture.Overflowed)
        {
            if (TransactionalIdempotencyMiddleware.IsTransactional(context))
            {
                // A transactional response is held back until its commit, so one above the cap cannot be sent at all:
                // releasing rolls the run back, and the transaction middleware fails the request (nothing is kept).
                await claim.ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
                return;
            }

            // Never a silent re-execution: the key keeps a marker, and retries are told the response cannot be replayed.
            Log.ResponseTooLarge(_logger, status, storeKey, _options.MaxResponseBodySize);
            var reason = string.Create(CultureInfo.InvariantCulture, $"its response (status {status}) was larger than the {_options.MaxResponseBodySize}-byte replay limit.");
            Report(claim, await claim.MarkNotStoredAsync(reason, CancellationToken.None).ConfigureAwait(false), expected: IdempotencyCompletion.NotStored);
            return;
        }

        if (response.ContentLength is { } declared && declared != capture.BytesWritten)
        {
            // The server cuts such a response off, but the handler returned: its effects happened, so a retry must not run
            // it again. Retries are told why there is nothing to replay.
            Log.ContentLengthMismatch(_logger, storeKey, capture.BytesWritten, declared);
            var reason = string.Create(CultureInfo.InvariantCulture, $"its response (status {status}) declared Content-Length {declared} but {capture.BytesWritten} bytes were written, so the server cut it off.");
            Report(claim, await claim.MarkNotStoredAsync(reason, CancellationToken.None).ConfigureAwait(false), expected: IdempotencyCompletion.NotStored);
            return;
        }

        // Headers are read now, not at the first write: once the response has started they cannot change, and a
        // response without a body never writes at all.
        using var recording = capture.TakeRecording();
        if (recording is null)
        {
            // The status changed after an empty first write decided against recording: store nothing rather than a guess.
            Log.ResponseNotStored(_logger, status, storeKey);
            await claim.ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
            return;
        }

        var headers = _headerFilter.Select(response.Headers, capture.HandlerContentEncoding);
        if ((StoredResponse.CheckHeaders(headers) ?? CheckTrailers(context)) is { } unstorable)
        {
            // The handler ran: never a silent second execution. Retries are told why its response cannot be replayed.
            Log.ResponseHeadersUnstorable(_logger, status, storeKey, unstorable);
            Report(claim, await claim.MarkNotStoredAsync(string.Create(CultureInfo.InvariantCulture, $"its response (status {status}) cannot be replayed: {unstorable}"), CancellationToken.None).ConfigureAwait(false), expected: IdempotencyCompletion.NotStored);
            return;
        }

        var body = recording.WrittenMemory[StoredResponse.BodyOffset..];
        var coding = capture.HandlerContentEncoding ?? response.Headers.ContentEncoding;
        if (ContentCoding.CheckReplayable(coding, _headerFilter.IsAllowed(HeaderNames.ContentEncoding), body, _options.MaxResponseBodySize) is { } undecodable)
        {
            // Decided now rather than at replay: a retry that does not accept the coding gets the decoded body, so a
            // body this server cannot decode (truncated, an unknown coding, larger than the cap once decoded) would
            // reach such a retry as bytes it cannot read.
            Log.ResponseHeadersUnstorable(_logger, status, storeKey, undecodable);
            Report(claim, await claim.MarkNotStoredAsync(string.Create(CultureInfo.InvariantCulture, $"its response (status {status}) cannot be replayed: {undecodable}"), CancellationToken.None).ConfigureAwait(false), expected: IdempotencyCompletion.NotStored);
            return;
        }

        StoredResponse.FinishResponse(recording, status, headers);
        Report(claim, await claim.CompleteRawAsync(recording.WrittenMemory, CancellationToken.None).ConfigureAwait(false), expected: IdempotencyCompletion.Stored);
    }

    // Trailers are not stored, and a replay without them can mean something else (gRPC sends its status in them).
    private static string? CheckTrailers(HttpContext context) =>
        context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers is { Count: > 0 }
            ? "it has trailers, which are not stored."
            : null;

    private void Report(IdempotencyClaim claim, IdempotencyCompletion completion, IdempotencyCompletion expected)
    {
        // The response has been sent already; the engine has logged and counted the outcome, this adds the HTTP view.
        if (completion == IdempotencyCompletion.LeaseLost)
        {
            Log.ResponseLeaseLost(_logger, claim.StoreKey!);
        }
        else if (completion != expected && completion != IdempotencyCompletion.NotCommitted)
        {
            // (A transaction that did not commit is answered 503, and logged, by the transaction middleware.)
            Log.ResponseStoreFailed(_logger, claim.StoreKey!);
        }
    }
}
