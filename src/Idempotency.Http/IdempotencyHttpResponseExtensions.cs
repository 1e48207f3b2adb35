namespace System.Net.Http;

/// <summary>Reads what the idempotency handler did to a request and what the server answered.</summary>
public static class IdempotencyHttpResponseExtensions
{
    internal static readonly HttpRequestOptionsKey<string> ReplayedHeaderOption = new("Idempotency.ReplayedHeader");

    /// <summary>Tells whether the server answered with a replay of an earlier response (<c>Idempotent-Replayed: true</c>).</summary>
    /// <param name="response">The response.</param>
    /// <returns><see langword="true"/> for a replay.</returns>
    public static bool IsReplayed(this HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var header = response.RequestMessage is { } request && request.Options.TryGetValue(ReplayedHeaderOption, out var name) ? name : "Idempotent-Replayed";
        return response.Headers.TryGetValues(header, out var values) && values.Any(static v => string.Equals(v.Trim(), "true", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Returns the idempotency key the request was sent with, if any: unquoted when it was sent as a Structured Field string (<c>"abc"</c> names the key <c>abc</c>).</summary>
    /// <param name="request">The request.</param>
    /// <param name="headerName">The key header.</param>
    /// <returns>The key, or <see langword="null"/>.</returns>
    public static string? GetIdempotencyKey(this HttpRequestMessage request, string headerName = "Idempotency-Key")
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Headers.TryGetValues(headerName, out var values) && values.FirstOrDefault() is { } value ? Idempotency.Http.StructuredKey.Unquote(value) : null;
    }
}
