using System.Diagnostics.Metrics;
using Idempotency;
using Idempotency.Functions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds idempotent function handlers.</summary>
public static class IdempotentFunctionsBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="IIdempotentFunctions"/> with its pre-configured policies (validated at start-up: every expression is
    /// parsed then). Each policy becomes an engine policy named by <see cref="IdempotentFunctionOptions.EnginePolicyName"/>,
    /// and the engine's local cache is raised to <see cref="IdempotentFunctionOptions.LocalCacheMaxEntries"/>.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddIdempotency()</c>.</param>
    /// <param name="configure">Adds the policies.</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder AddIdempotentFunctions(this IIdempotencyBuilder builder, Action<IdempotentFunctionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddValidatedOptions(configure, IdempotentFunctionOptionsValidator.Errors);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<IdempotencyOptions>, EnginePolicies>());
        services.TryAddSingleton(static sp => new FunctionTelemetry(sp.GetService<IMeterFactory>(), sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton<IIdempotentFunctions>(static sp => new FunctionRunner(
            sp.GetRequiredService<IIdempotencyExecutor>(),
            sp.GetRequiredService<IOptions<IdempotentFunctionOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<FunctionTelemetry>()));
        return builder;
    }

    /// <summary>Registers the function policies on the engine's options before the engine is built.</summary>
    private sealed class EnginePolicies(IOptions<IdempotentFunctionOptions> functions) : IConfigureOptions<IdempotencyOptions>
    {
        public void Configure(IdempotencyOptions options) => functions.Value.ApplyTo(options);
    }
}
