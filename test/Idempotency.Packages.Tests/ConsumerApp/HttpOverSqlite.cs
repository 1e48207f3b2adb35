using System.Net.Http.Json;

/// <summary>
/// The AspNetCore and Sqlite packages together: the middleware on a real Kestrel port, records in a SQLite file. Prints
/// each answer's status and Idempotent-Replayed header, then how often the handler ran.
/// </summary>
internal static class HttpOverSqlite
{
    public static async Task RunAsync(string databasePath)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services
            .AddIdempotency(o => o.ServiceName = "orders-api")
            .AddSqliteStore($"Data Source={databasePath}")
            .AddIdempotencyMiddleware();

        await using var app = builder.Build();
        app.UseIdempotency();
        var runs = 0;
        app.MapPost("/orders", (Order input) =>
        {
            Interlocked.Increment(ref runs);
            return Results.Created("/orders/1", input);
        }).RequireIdempotency();
        await app.StartAsync();

        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = JsonContent.Create(new Order("book", 2)) };
            request.Headers.Add("Idempotency-Key", "order-1");
            using var response = await client.SendAsync(request);
            var replayed = response.Headers.TryGetValues("Idempotent-Replayed", out var values) ? string.Join(',', values) : "-";
            Console.WriteLine($"POST /orders {(int)response.StatusCode} replayed={replayed} {await response.Content.ReadAsStringAsync()}");
        }

        Console.WriteLine($"orders handler runs: {Volatile.Read(ref runs)}");
        await app.StopAsync();
    }
}
