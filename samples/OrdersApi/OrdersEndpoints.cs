using System.Globalization;
using System.Text.Json;
using Idempotency;

namespace OrdersApi;

/// <summary>
/// The sample's HTTP contract. Test switches on the POST endpoints: <c>delayMs=N</c> waits N ms,
/// <c>status=N</c> answers status N with a problem body instead of creating anything, <c>fail=true</c> throws.
/// </summary>
internal static class OrdersEndpoints
{
    public static void MapOrdersEndpoints(this IEndpointRouteBuilder app)
    {
        // A key is required: a retry with the same key replays the first response instead of creating a second order.
        // On SQLite and PostgreSQL the order row and the record commit in one transaction (TransactionalOrders).
        if (!app.TryMapTransactionalOrders())
        {
            app.MapPost("/orders", (HttpContext http, OrderBook book, RunCounter runs, TimeProvider time) =>
            {
                runs.OrderRan();
                return CreateAsync(http, book.Orders, "/orders", time);
            }).RequireIdempotency().WithCreatedOrder();
        }

        // The key is optional: with one, retries replay; without one, every request runs.
        app.MapPost("/notes", (HttpContext http, OrderBook book, RunCounter runs, TimeProvider time) =>
        {
            runs.NoteRan();
            return CreateAsync(http, book.Notes, "/notes", time);
        }).RequireIdempotency(KeyRequirement.Optional).WithCreatedOrder();

        app.MapGet("/orders/{id}", (string id, OrderBook book) => Find(book.Orders, id));
        app.MapGet("/notes/{id}", (string id, OrderBook book) => Find(book.Notes, id));
        app.MapGet("/stats", (RunCounter runs) => Results.Json(new Dictionary<string, int> { ["orders"] = runs.Orders, ["notes"] = runs.Notes }));
    }

    /// <summary>Describes the creating endpoints' own answers in the OpenAPI document (the middleware's are added by AddIdempotency()).</summary>
    internal static RouteHandlerBuilder WithCreatedOrder(this RouteHandlerBuilder endpoint) => endpoint
        .Produces<Order>(StatusCodes.Status201Created)
        .ProducesProblem(StatusCodes.Status400BadRequest);

    private static IResult Find(System.Collections.Concurrent.ConcurrentDictionary<string, Order> items, string id) =>
        items.TryGetValue(id, out var item)
            ? Results.Ok(item)
            : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"Nothing has the id '{id}'.");

    internal static async Task<IResult> CreateAsync(HttpContext http, System.Collections.Concurrent.ConcurrentDictionary<string, Order> items, string path, TimeProvider time)
    {
        var query = http.Request.Query;
        if (!TryReadInt(query["delayMs"], 0, 600_000, out var delayMs))
        {
            return BadInput("delayMs must be an integer from 0 to 600000.");
        }

        if (!TryReadInt(query["status"], 100, 599, out var status))
        {
            return BadInput("status must be an integer from 100 to 599.");
        }

        var input = await ReadInputAsync(http);
        if (input.Error is not null)
        {
            return BadInput(input.Error);
        }

        if (delayMs > 0)
        {
            await Task.Delay(delayMs, http.RequestAborted);
        }

        if (string.Equals(query["fail"], "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("Failure requested with fail=true.");
        }

        if (status > 0)
        {
            return Results.Problem(statusCode: status, title: $"Status {status} requested", detail: "Answered as asked with status=N; nothing was created.");
        }

        var order = new Order(Guid.NewGuid().ToString("D"), input.Item!, input.Quantity, time.GetUtcNow());
        items[order.Id] = order;
        return Results.Created($"{path}/{order.Id}", order);
    }

    private static async Task<(string? Item, int Quantity, string? Error)> ReadInputAsync(HttpContext http)
    {
        if (!http.Request.HasJsonContentType())
        {
            return (null, 0, "The body must be JSON (Content-Type: application/json).");
        }

        OrderInput? input;
        try
        {
            input = await http.Request.ReadFromJsonAsync<OrderInput>(http.RequestAborted);
        }
        catch (JsonException)
        {
            return (null, 0, "The body is not valid JSON of the form {\"item\": string, \"quantity\": int}.");
        }

        if (input is null || string.IsNullOrWhiteSpace(input.Item) || input.Item.Length > 200)
        {
            return (null, 0, "item must be a non-empty string of at most 200 characters.");
        }

        if (input.Quantity is not (>= 1 and <= 10_000))
        {
            return (null, 0, "quantity must be an integer from 1 to 10000.");
        }

        return (input.Item, input.Quantity.Value, null);
    }

    private static bool TryReadInt(string? value, int min, int max, out int result)
    {
        result = 0;
        return string.IsNullOrEmpty(value)
            || (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out result) && result >= min && result <= max);
    }

    private static IResult BadInput(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid request", detail: detail);
}
