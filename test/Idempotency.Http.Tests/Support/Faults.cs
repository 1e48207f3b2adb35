namespace Idempotency.Http.Tests;

/// <summary>
/// The lost response: the request reaches the server and is fully processed (its whole response is read, so the
/// middleware has stored it), then the connection "drops" and the caller gets an <see cref="HttpRequestException"/>
/// instead of the response. The first <paramref name="lose"/> attempts are lost; later ones pass.
/// </summary>
public sealed class LoseResponsesHandler(int lose) : DelegatingHandler
{
    private int _attempts;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (Interlocked.Increment(ref _attempts) > lose)
        {
            return response;
        }

        await response.Content.LoadIntoBufferAsync(cancellationToken);
        response.Dispose();
        throw new HttpRequestException("The connection was reset before the response arrived (injected by the test).");
    }
}

/// <summary>
/// The first attempt is sent to the server in the background and then abandoned with an
/// <see cref="HttpRequestException"/> once <paramref name="serverBusy"/> says the server is working on it, as when a
/// proxy drops the client while the application keeps running. Later attempts pass.
/// </summary>
public sealed class AbandonFirstAttemptHandler(Func<Task> serverBusy, Action<Task<HttpResponseMessage>> abandoned) : DelegatingHandler
{
    private int _attempts;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _attempts) > 1)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        // A copy with the same headers and body, so the abandoned send and the retries never share a message.
        abandoned(base.SendAsync(RequestCopy.Of(request), CancellationToken.None));
        await serverBusy();
        throw new HttpRequestException("The connection was dropped while the server kept working (injected by the test).");
    }
}

/// <summary>The first attempt goes to the same URI with <paramref name="query"/> appended (for example <c>status=503</c>); later ones are unchanged.</summary>
public sealed class AlterFirstAttemptQueryHandler(string query) : DelegatingHandler
{
    private int _attempts;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _attempts) > 1)
        {
            return base.SendAsync(request, cancellationToken);
        }

        var uri = new UriBuilder(request.RequestUri!);
        uri.Query = uri.Query.Length > 1 ? uri.Query[1..] + "&" + query : query;
        return base.SendAsync(RequestCopy.Of(request, uri.Uri), cancellationToken);
    }
}

internal static class RequestCopy
{
    /// <summary>A new message with the same method, headers, body and version (the body object is shared, not re-read).</summary>
    public static HttpRequestMessage Of(HttpRequestMessage request, Uri? uri = null)
    {
        var copy = new HttpRequestMessage(request.Method, uri ?? request.RequestUri) { Content = request.Content, Version = request.Version };
        foreach (var (name, values) in request.Headers)
        {
            copy.Headers.TryAddWithoutValidation(name, values);
        }

        return copy;
    }
}
