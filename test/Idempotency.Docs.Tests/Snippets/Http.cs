namespace Snippets;

internal static class Http
{
    public static void Run(string[] args)
    {
        #region snippet: http-pipeline
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddAuthentication();    // your schemes here (JwtBearer, cookies, …)
        builder.Services.AddAuthorization();
        builder.Services
            .AddIdempotency(options => options.ServiceName = "orders-api")
            .AddIdempotencyMiddleware();                 // options: see below

        var app = builder.Build();
        app.UseAuthentication();                   // before UseIdempotency: keys are scoped per principal
        app.UseAuthorization();
        app.UseIdempotency();

        app.MapPost("/orders", CreateOrder).RequireIdempotency();
        app.Run();
        #endregion
    }

    public static void ScopeByTenant(WebApplicationBuilder builder)
    {
        #region snippet: http-scope-resolver
        builder.Services.AddIdempotency()
            .AddIdempotencyMiddleware(o => o.ScopeResolver = context => context.User.FindFirst("tenant_id")?.Value);
        #endregion
    }

    public static void Cors(WebApplicationBuilder builder)
    {
        #region snippet: http-cors
        builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy => policy
            .WithOrigins("https://shop.example")
            .WithHeaders("Content-Type", "Authorization")
            .WithIdempotencyHeaders()));           // allows Idempotency-Key; exposes Idempotent-Replayed and Retry-After
        #endregion
    }

    public static void OpenApi(WebApplicationBuilder builder)
    {
        #region snippet: http-openapi
        builder.Services.AddOpenApi(options => options.AddIdempotency());   // package Idempotency.AspNetCore.OpenApi

        var app = builder.Build();
        app.UseIdempotency();
        app.MapOpenApi();                                                    // GET /openapi/v1.json
        app.MapPost("/orders", CreateOrder).RequireIdempotency();
        #endregion
    }

    private static IResult CreateOrder(Order order) => Results.Created($"/orders/{Guid.NewGuid()}", order);
}
