namespace Idempotency.Http;

/// <summary>
/// Gives each logical request one idempotency key. A retry handler re-sends the same <see cref="HttpRequestMessage"/>,
/// so a key set once stays on every attempt, whichever side of the retry handler this handler sits; a key the caller
/// set is kept as is.
/// </summary>
internal sealed class IdempotencyKeyHandler(IdempotencyKeyHandlerOptions options) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (options.Methods.Contains(request.Method) && !request.Headers.Contains(options.HeaderName))
        {
            request.Headers.TryAddWithoutValidation(options.HeaderName, options.KeyGenerator());
        }

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        request.Options.Set(IdempotencyHttpResponseExtensions.ReplayedHeaderOption, options.ReplayedHeaderName);
        return response;
    }
}
