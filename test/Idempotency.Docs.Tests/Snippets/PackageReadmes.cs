namespace Snippets;

/// <summary>The first examples of the package READMEs (src/*/README.md).</summary>
internal static class PackageReadmes
{
    public static void AspNetCore(WebApplicationBuilder builder)
    {
        #region snippet: package-aspnetcore
        builder.Services.AddAuthentication();   // your schemes; keys are scoped per principal
        builder.Services.AddIdempotency(o => o.ServiceName = "orders-api").AddIdempotencyMiddleware();

        var app = builder.Build();
        app.UseAuthentication();
        app.UseIdempotency();
        app.MapPost("/orders", (OrderInput input) => Results.Created($"/orders/{Guid.NewGuid()}", input)).RequireIdempotency();
        app.Run();
        #endregion
    }

    public static async Task<bool> HttpAsync(IServiceCollection services, HttpClient client, Charge charge)
    {
        #region snippet: package-http
        services.AddHttpClient("payments", c => c.BaseAddress = new Uri("https://payments.internal"))
            .AddIdempotencyKeys()
            .AddStandardResilienceHandler();

        var response = await client.PostAsJsonAsync("/charges", charge);
        bool replayed = response.IsReplayed();   // Idempotent-Replayed: true
        #endregion
        return replayed;
    }
}
