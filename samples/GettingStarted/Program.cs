#region snippet: getting-started-program
using Idempotency;
using Microsoft.AspNetCore.Authentication;
using StackExchange.Redis;

var builder = WebApplication.CreateBuilder(args);

// Demo authentication (DemoBearerHandler.cs, below): "Authorization: Bearer alice" is the user alice.
// Use your real scheme (JwtBearer, cookies, …): keys are scoped per user.
builder.Services.AddAuthentication(DemoBearerHandler.SchemeName)
    .AddScheme<AuthenticationSchemeOptions, DemoBearerHandler>(DemoBearerHandler.SchemeName, null);
builder.Services.AddAuthorization();

// Redis holds the records, so every instance of the app sees every key.
builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(
    builder.Configuration.GetConnectionString("Redis") ?? "localhost:6379,abortConnect=false,syncTimeout=1000,asyncTimeout=1000"));
builder.Services
    .AddIdempotency(options => options.ServiceName = "orders-api")
    .AddRedisStore()
    .AddIdempotencyMiddleware();

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.UseIdempotency();   // after authentication and authorization, before the endpoints

// A key is required: a retry with the same key gets the first response back, and no second order is created.
app.MapPost("/orders", (OrderInput input) =>
{
    var order = new Order(Guid.NewGuid(), input.Item, input.Quantity, DateTimeOffset.UtcNow);
    return Results.Created($"/orders/{order.Id}", order);
}).RequireAuthorization().RequireIdempotency();

// The key is optional here: without one, every request runs (and nothing is stored).
app.MapPost("/notes", (OrderInput input) => Results.Ok(input))
    .RequireAuthorization().RequireIdempotency(KeyRequirement.Optional);

app.Run();

public sealed record OrderInput(string Item, int Quantity);

internal sealed record Order(Guid Id, string Item, int Quantity, DateTimeOffset CreatedAt);
#endregion
