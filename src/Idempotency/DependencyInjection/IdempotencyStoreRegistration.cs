using System.Diagnostics.CodeAnalysis;
using Idempotency;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The one registration shape of the engine, the middleware and every store package: options checked at start-up by a
/// function that lists every problem, and a store that replaces the default in-memory one.
/// </summary>
public static class IdempotencyStoreRegistration
{
    /// <summary>Adds options configured by <paramref name="configure"/> and validated at start-up by <paramref name="errors"/>.</summary>
    /// <typeparam name="TOptions">The options type.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the options, or <see langword="null"/>.</param>
    /// <param name="errors">Lists every problem of the options (none when valid).</param>
    /// <returns>The options builder.</returns>
    public static OptionsBuilder<TOptions> AddValidatedOptions<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(this IServiceCollection services, Action<TOptions>? configure, Func<TOptions, IEnumerable<string>> errors)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(errors);
        var options = services.AddOptions<TOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>>(new ErrorListValidator<TOptions>(errors)));
        return options;
    }

    /// <summary>
    /// Makes <typeparamref name="TStore"/> the <see cref="IIdempotencyStore"/> (replacing the default in-memory store) and
    /// registers it as itself too, with its options validated at start-up.
    /// </summary>
    /// <typeparam name="TStore">The store type.</typeparam>
    /// <typeparam name="TOptions">The store's options type.</typeparam>
    /// <param name="builder">The builder returned by <c>AddIdempotency()</c>.</param>
    /// <param name="configure">Configures the store options.</param>
    /// <param name="errors">Lists every problem of the options.</param>
    /// <param name="create">Creates the store from the services and the options.</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder AddStore<TStore, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(this IIdempotencyBuilder builder, Action<TOptions> configure, Func<TOptions, IEnumerable<string>> errors, Func<IServiceProvider, TOptions, TStore> create)
        where TStore : class, IIdempotencyStore
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        ArgumentNullException.ThrowIfNull(create);
        var services = builder.Services;
        services.AddValidatedOptions(configure, errors);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => create(sp, sp.GetRequiredService<IOptions<TOptions>>().Value));

        // AddIdempotency registered the in-memory store with TryAdd: this one replaces it.
        services.RemoveAll<IIdempotencyStore>();
        services.AddSingleton<IIdempotencyStore>(static sp => sp.GetRequiredService<TStore>());
        return builder;
    }

    private sealed class ErrorListValidator<TOptions>(Func<TOptions, IEnumerable<string>> errors) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options)
        {
            var found = errors(options).ToList();
            return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found);
        }
    }
}
