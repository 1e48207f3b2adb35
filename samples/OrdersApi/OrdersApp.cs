using Microsoft.AspNetCore.Authentication;

namespace OrdersApi;

/// <summary>Builds the sample app; tests call it too, with their own services or a test server.</summary>
public static class OrdersApp
{
    /// <summary>The address used when neither <c>--urls</c> nor <c>ASPNETCORE_URLS</c> is given.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>Builds the app.</summary>
    /// <param name="args">Command-line arguments (<c>--urls</c>, <c>--Idempotency:Store=redis</c>, ...).</param>
    /// <param name="configure">Runs after the sample's own registrations, before the app is built (tests replace services here).</param>
    /// <returns>The app, ready to run.</returns>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<OrderBook>();
        builder.Services.AddSingleton<RunCounter>();
        builder.Services.AddAuthentication(DemoBearerHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, DemoBearerHandler>(DemoBearerHandler.SchemeName, null);
        builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy => policy
            .AllowAnyOrigin()
            .AllowAnyMethod()
            .WithHeaders("Content-Type", "Authorization")
            .WithIdempotencyHeaders()));

        builder.Services
            .AddIdempotency(options => options.ServiceName = "orders-api")
            .AddConfiguredStore(builder.Configuration, builder.Environment)
            .AddIdempotencyMiddleware();

        builder.Services.AddHealthChecks().AddIdempotencyStore();

        // GET /openapi/v1.json: idempotent endpoints show the key header, the replay header and their problem responses.
        builder.Services.AddOpenApi(options => options.AddIdempotency());

        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseCors();
        app.UseAuthentication();
        app.UseIdempotency();
        app.MapOrdersEndpoints();
        app.MapHealthChecks("/health");
        app.MapOpenApi();
        return app;
    }
}
