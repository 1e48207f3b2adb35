using Idempotency.Generators.Model;

namespace Idempotency.Generators.Writing;

/// <summary>
/// Writes <c>services.AddIdempotent&lt;TService, TImplementation&gt;()</c> for the decorators of this project. The
/// decorator is chosen by comparing types, which the JIT and the AOT compiler fold to a constant: no reflection.
/// The class is internal, so every project that has decorators gets its own, and none clashes with another's.
/// </summary>
internal static class RegistrationWriter
{
    public const string HintName = "IdempotentServiceCollectionExtensions.g.cs";

    private const string Runner = "global::Idempotency.Decorators.IdempotentMethodRunner";
    private const string Services = "global::Microsoft.Extensions.DependencyInjection.IServiceCollection";
    private const string Lifetime = "global::Microsoft.Extensions.DependencyInjection.ServiceLifetime";
    private const string Descriptor = "global::Microsoft.Extensions.DependencyInjection.ServiceDescriptor";

    public static string Write(EquatableArray<Registration> registrations)
    {
        var writer = new CodeWriter();
        GeneratedHeader.Write(writer);
        writer
            .Open("namespace Microsoft.Extensions.DependencyInjection")
            .Line("/// <summary>Registers services behind the idempotency decorators generated for their [Idempotent] methods.</summary>")
            .Line(GeneratedHeader.GeneratedCode)
            .Open("internal static class IdempotentServiceCollectionExtensions")
            .Line("// The inner implementation is a keyed service under this key: only its decorator resolves it.")
            .Line("private static readonly object InnerServiceKey = new object();")
            .Line()
            .Line("/// <summary>")
            .Line("/// Registers <typeparamref name=\"TImplementation\"/> as <typeparamref name=\"TService\"/> behind the decorator generated for")
            .Line("/// <typeparamref name=\"TService\"/>: its [Idempotent] methods run once per key, its other members call the implementation.")
            .Line("/// Needs <c>services.AddIdempotency()</c>.")
            .Line("/// </summary>")
            .Line("/// <typeparam name=\"TService\">An interface of this project with [Idempotent] methods.</typeparam>")
            .Line("/// <typeparam name=\"TImplementation\">The implementation, created by the container.</typeparam>")
            .Line("/// <param name=\"services\">The services.</param>")
            .Line("/// <param name=\"lifetime\">The lifetime of the implementation and of its decorator.</param>")
            .Line("/// <returns>The services.</returns>")
            .Line("/// <exception cref=\"global::System.InvalidOperationException\"><typeparamref name=\"TService\"/> has no generated decorator.</exception>")
            .Open($"public static {Services} AddIdempotent<TService, [global::System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(global::System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicConstructors)] TImplementation>(this {Services} services, {Lifetime} lifetime = {Lifetime}.Scoped)",
                "    where TService : class",
                "    where TImplementation : class, TService")
            .Line("if (services is null) throw new global::System.ArgumentNullException(nameof(services));")
            .Line("var decorate = Decorator<TService>();")
            .Line($"services.Add(new {Descriptor}(typeof(TImplementation), InnerServiceKey, typeof(TImplementation), lifetime));")
            .Line($"services.Add(new {Descriptor}(typeof(TService), sp => decorate(global::Microsoft.Extensions.DependencyInjection.ServiceProviderKeyedServiceExtensions.GetRequiredKeyedService<TImplementation>(sp, InnerServiceKey), GetRunner(sp)), lifetime));")
            .Line("return services;")
            .Close()
            .Line()
            .Line("/// <summary>")
            .Line("/// Registers the service that <paramref name=\"implementationFactory\"/> creates as <typeparamref name=\"TService\"/> behind the")
            .Line("/// decorator generated for <typeparamref name=\"TService\"/>. Needs <c>services.AddIdempotency()</c>.")
            .Line("/// </summary>")
            .Line("/// <typeparam name=\"TService\">An interface of this project with [Idempotent] methods.</typeparam>")
            .Line("/// <param name=\"services\">The services.</param>")
            .Line("/// <param name=\"implementationFactory\">Creates the implementation.</param>")
            .Line("/// <param name=\"lifetime\">The lifetime of the implementation and of its decorator.</param>")
            .Line("/// <returns>The services.</returns>")
            .Line("/// <exception cref=\"global::System.InvalidOperationException\"><typeparamref name=\"TService\"/> has no generated decorator.</exception>")
            .Open($"public static {Services} AddIdempotent<TService>(this {Services} services, global::System.Func<global::System.IServiceProvider, TService> implementationFactory, {Lifetime} lifetime = {Lifetime}.Scoped)",
                "    where TService : class")
            .Line("if (services is null) throw new global::System.ArgumentNullException(nameof(services));")
            .Line("if (implementationFactory is null) throw new global::System.ArgumentNullException(nameof(implementationFactory));")
            .Line("var decorate = Decorator<TService>();")
            .Line($"services.Add(new {Descriptor}(typeof(TService), sp => decorate(implementationFactory(sp), GetRunner(sp)), lifetime));")
            .Line("return services;")
            .Close()
            .Line()
            .Open($"private static global::System.Func<TService, {Runner}, TService> Decorator<TService>()",
                "    where TService : class");
        foreach (var registration in registrations)
        {
            writer
                .Open($"if (typeof(TService) == typeof({registration.InterfaceType}))")
                .Line($"return (global::System.Func<TService, {Runner}, TService>)(object)new global::System.Func<{registration.InterfaceType}, {Runner}, {registration.InterfaceType}>(")
                .Line($"    static (inner, runner) => new {registration.DecoratorType}(inner, runner));")
                .Close()
                .Line();
        }

        writer
            .Line("throw new global::System.InvalidOperationException($\"'{typeof(TService)}' has no idempotency decorator: mark the interface's methods [Idempotency.Decorators.Idempotent] in the project that calls AddIdempotent.\");")
            .Close()
            .Line()
            .Line($"private static {Runner} GetRunner(global::System.IServiceProvider services) =>")
            .Line($"    services.GetService(typeof({Runner})) as {Runner}")
            .Line("    ?? throw new global::System.InvalidOperationException(\"The idempotency decorators need the engine: call services.AddIdempotency().\");")
            .Close()
            .Close();
        return writer.ToString();
    }
}
