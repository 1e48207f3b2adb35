namespace Snippets;

internal static class TypedClient
{
    public static void Configure(WebApplicationBuilder builder)
    {
        #region snippet: getting-started-typed-client
        builder.Services.AddHttpClient<OrdersClient>(client => client.BaseAddress = new Uri("https://orders.internal/"))
            .AddIdempotencyKeys()               // outermost: gives each logical request its key, once
            .AddStandardResilienceHandler();    // inside it: every retry and hedge re-sends that request, key included
        #endregion
    }
}

#region snippet: getting-started-orders-client
public sealed class OrdersClient(HttpClient http)
{
    /// <summary>Creates an order. Pass a key you stored (an outbox row, your own order id) to make the call safe across restarts too.</summary>
    public async Task<Receipt> CreateAsync(OrderInput input, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "orders") { Content = JsonContent.Create(input) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);   // kept as is; otherwise the handler adds a UUID
        }

        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();

        // True when an earlier attempt (lost on the way back, or sent before a crash with the same key) did the work.
        var replayed = response.IsReplayed();
        var receipt = await response.Content.ReadFromJsonAsync<Receipt>(cancellationToken);
        return receipt! with { Replayed = replayed };
    }
}
#endregion
