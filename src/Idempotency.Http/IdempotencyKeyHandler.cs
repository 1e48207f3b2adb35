namespace Idempotency.Http;

/// <summary>
/// Gives each logical request one idempotency key. A retry handler re-sends the same <see cref="HttpRequestMessage"/>,
/// so a key set once stays on every attempt, whichever side of the retry handler this handler sits; a key the caller
/// set is kept as is. Handlers that clone the request per attempt (hedging) must come after this one, so the clones
/// copy the key instead of each getting a new one.
/// </summary>
internal sealed class IdempotencyKeyHandler(IdempotencyKeyHandlerOptions options) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        AttachKey(request);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        request.Options.Set(IdempotencyHttpResponseExtensions.ReplayedHeaderOption, options.ReplayedHeaderName);
        return response;
    }

    // HttpClient.Send (the synchronous API) does not go through SendAsync: without this override its POSTs left keyless.
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        AttachKey(request);
        var response = base.Send(request, cancellationToken);
        request.Options.Set(IdempotencyHttpResponseExtensions.ReplayedHeaderOption, options.ReplayedHeaderName);
        return response;
    }

    private void AttachKey(HttpRequestMessage request)
    {
        if (!options.Methods.Contains(request.Method) || request.Headers.Contains(options.HeaderName))
        {
            return;
        }

        var key = options.KeyGenerator();
        if (string.IsNullOrEmpty(key))
        {
            // Sending no key would turn a retry into a second execution (or a 400): refuse loudly instead.
            throw new InvalidOperationException("IdempotencyKeyHandlerOptions.KeyGenerator returned a null or empty key.");
        }

        request.Headers.TryAddWithoutValidation(options.HeaderName, StructuredKey.Quote(key));
    }
}
