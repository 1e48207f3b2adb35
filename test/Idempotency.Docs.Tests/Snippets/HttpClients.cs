namespace Snippets;

internal static class HttpClients
{
    public static void AddClient(IServiceCollection services)
    {
        #region snippet: http-client-add
        services.AddHttpClient("payments", client => client.BaseAddress = new Uri("https://payments.internal/"))
            .AddIdempotencyKeys()               // first: one key per logical request
            .AddStandardResilienceHandler();    // then: retries re-send that request, key included
        #endregion
    }

    public static async Task SendAsync(IHttpClientFactory httpClientFactory, CancellationToken cancellationToken)
    {
        #region snippet: http-client-send
        var client = httpClientFactory.CreateClient("payments");
        using var response = await client.PostAsJsonAsync("/charges", new { amount = 1200, currency = "EUR" }, cancellationToken);
        // The request carried "Idempotency-Key: 3f1c…-4…"; every retry of it carried the same value.
        #endregion
    }

    public static async Task SendOwnKeyAsync(HttpClient client, Charge charge, CancellationToken cancellationToken)
    {
        #region snippet: http-client-own-key
        using var request = new HttpRequestMessage(HttpMethod.Post, "/charges") { Content = JsonContent.Create(charge) };
        request.Headers.Add("Idempotency-Key", charge.Id.ToString());
        using var response = await client.SendAsync(request, cancellationToken);
        #endregion
    }

    public static async Task<string?> ReadReplayAsync(HttpClient client, Charge charge, CancellationToken cancellationToken)
    {
        #region snippet: http-client-replays
        using var response = await client.PostAsJsonAsync("/charges", charge, cancellationToken);
        if (response.IsReplayed())
        {
            // An earlier attempt (a retry of this request, or an earlier request with the same key) did the work;
            // this is its stored response.
        }

        var key = response.RequestMessage?.GetIdempotencyKey(); // the key that was sent, for logs and support tickets
        #endregion
        return key;
    }

    public static void AddLegacyClient(IServiceCollection services)
    {
        #region snippet: http-client-options
        services.AddHttpClient("legacy-billing")
            .AddIdempotencyKeys(options =>
            {
                options.HeaderName = "X-Idempotency-Key";
                options.Methods.Add(HttpMethod.Put);
                options.KeyGenerator = () => $"billing-{Guid.NewGuid():N}";
            })
            .AddStandardResilienceHandler();
        #endregion
    }
}
