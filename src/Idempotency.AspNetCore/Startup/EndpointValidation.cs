using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Idempotency.AspNetCore;

/// <summary>
/// Checks the endpoints once the pipeline is built, before the first request: an endpoint that asks for idempotency
/// in an application without <c>UseIdempotency()</c>, or names a policy that does not exist, refuses to start (either
/// would otherwise charge every retry again, or answer every request with an error); metadata on a GET or HEAD
/// endpoint, which is never made idempotent, is logged. Runs as a start-up filter because hosted services start
/// before the endpoints exist.
/// </summary>
internal sealed class EndpointValidation(MiddlewarePresence presence, IOptions<IdempotencyOptions> engineOptions, IOptions<IdempotencyMiddlewareOptions> middlewareOptions, ILoggerFactory loggerFactory) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        next(app);
        Validate(app.ApplicationServices.GetService<EndpointDataSource>()?.Endpoints ?? []);
    };

    private void Validate(IReadOnlyList<Endpoint> endpoints)
    {
        var policies = engineOptions.Value.PolicyNames.ToHashSet(StringComparer.Ordinal);
        var logger = loggerFactory.CreateLogger("Idempotency.AspNetCore");
        var errors = new List<string>();
        var opted = false;
        foreach (var endpoint in endpoints)
        {
            var metadata = endpoint.Metadata.GetMetadata<IIdempotencyMetadata>();
            if (metadata is null || endpoint.Metadata.GetMetadata<DisableIdempotencyAttribute>() is not null)
            {
                continue;
            }

            opted = true;
            if (metadata.Policy is { } policy && !policies.Contains(policy))
            {
                errors.Add($"Endpoint {endpoint.DisplayName} names the idempotency policy '{policy}', which is not defined: add it with AddIdempotency(o => o.AddPolicy(\"{policy}\", p => ...)), or correct the name.");
            }

            // A group's convention reaches its GET endpoints too: that is how groups work, not a mistake worth a warning.
            if (metadata is not IdempotentAttribute { FromGroup: true } && endpoint.Metadata.GetMetadata<IHttpMethodMetadata>() is { HttpMethods: { Count: > 0 } methods } && methods.All(IsSafe))
            {
                Log.SafeMethodEndpoint(logger, endpoint.DisplayName ?? "(unnamed)");
            }
        }

        if ((opted || middlewareOptions.Value.ApplyToAllPostAndPatch) && !presence.Added)
        {
            errors.Insert(0, "Endpoints require idempotency (RequireIdempotency(), [Idempotent] or ApplyToAllPostAndPatch), but the middleware is not in the pipeline, so every retry would run again: call app.UseIdempotency() after app.UseAuthentication() and app.UseAuthorization().");
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, errors));
        }
    }

    private static bool IsSafe(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method);
}
