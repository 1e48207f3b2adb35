using Idempotency;
using Idempotency.AspNetCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the Idempotency-Key middleware to the pipeline.</summary>
public static class IdempotencyApplicationBuilderExtensions
{
    // The property UseRouting() sets on the application builder (the key ASP.NET Core's own middleware reads).
    private const string EndpointRouteBuilderKey = "__EndpointRouteBuilder";

    /// <summary>
    /// Adds the middleware. Place it after routing, authentication and authorization (so the endpoint and the principal
    /// are known, and rejected callers never claim a key) and before the endpoints.
    /// </summary>
    /// <param name="app">The application builder.</param>
    /// <returns>The application builder.</returns>
    /// <exception cref="InvalidOperationException"><c>AddIdempotency().AddIdempotencyMiddleware()</c> was not called.</exception>
    public static IApplicationBuilder UseIdempotency(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var services = app.ApplicationServices;
        var executor = services.GetService<IIdempotencyExecutor>();
        if (executor is null || services.GetService<IValidateOptions<IdempotencyMiddlewareOptions>>() is null)
        {
            throw new InvalidOperationException("UseIdempotency() needs services.AddIdempotency().AddIdempotencyMiddleware() in the service configuration.");
        }

        var options = services.GetRequiredService<IOptions<IdempotencyMiddlewareOptions>>().Value;
        var loggerFactory = services.GetService<ILoggerFactory>() ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        services.GetRequiredService<MiddlewarePresence>().MarkAdded();

        // Routing called after this point leaves the middleware without an endpoint: it would let every request through.
        // Checked when the pipeline is built, once every Use call has been made.
        // Transactional endpoints: the transaction begins before the claim, so it must wrap this middleware.
        app.Use(next => new TransactionalIdempotencyMiddleware(next, services, options, loggerFactory.CreateLogger("Idempotency.AspNetCore")).Invoke);

        var properties = app.Properties;
        var routedBefore = properties.ContainsKey(EndpointRouteBuilderKey);
        return app.Use(next =>
        {
            if (!routedBefore && properties.ContainsKey(EndpointRouteBuilderKey))
            {
                throw new InvalidOperationException("app.UseIdempotency() is called before app.UseRouting(), so it cannot see which endpoint a request is for and would protect nothing: call it after app.UseRouting(), app.UseAuthentication() and app.UseAuthorization().");
            }

            return new IdempotencyMiddleware(next, executor, options, loggerFactory).Invoke;
        });
    }
}
