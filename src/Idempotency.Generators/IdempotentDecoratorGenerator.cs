using System.Linq;
using System.Threading;
using Idempotency.Generators.Model;
using Idempotency.Generators.Reading;
using Idempotency.Generators.Writing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Idempotency.Generators;

/// <summary>
/// Generates a DI decorator for every interface with methods marked <c>[Idempotency.Decorators.Idempotent]</c>, and
/// <c>services.AddIdempotent&lt;TService, TImplementation&gt;()</c> to register them. The code is plain C# that calls
/// the engine's public API: no reflection at run time, safe to trim and to compile ahead of time.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class IdempotentDecoratorGenerator : IIncrementalGenerator
{
    /// <summary>The name of the step that reads interfaces into decorator models (the incremental tests watch it).</summary>
    internal const string ReadStep = "ReadInterfaces";

    /// <summary>The name of the step that lists the decorators to register.</summary>
    internal const string RegistrationStep = "Registrations";

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var interfaces = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownNames.IdempotentAttribute,
                static (node, _) => node is MethodDeclarationSyntax or TypeDeclarationSyntax,
                static (context, cancellationToken) => Read(context, cancellationToken))
            .WithTrackingName(ReadStep);

        context.RegisterSourceOutput(interfaces, static (context, result) =>
        {
            foreach (var diagnostic in result.Diagnostics)
            {
                context.ReportDiagnostic(diagnostic.ToDiagnostic());
            }

            if (result.Model is { } model)
            {
                context.AddSource(model.HintName, DecoratorWriter.Write(model));
            }
        });

        var registrations = interfaces
            .Where(static result => result.Model is not null)
            .Select(static (result, _) => new Registration(result.Model!.InterfaceType, result.Model.DecoratorType))
            .Collect()
            .Select(static (registrations, _) => registrations.OrderBy(r => r.InterfaceType, System.StringComparer.Ordinal).ToEquatableArray())
            .WithTrackingName(RegistrationStep);

        context.RegisterSourceOutput(registrations, static (context, registrations) =>
        {
            if (registrations.Count > 0)
            {
                context.AddSource(RegistrationWriter.HintName, RegistrationWriter.Write(registrations));
            }
        });

        var sharedOperations = interfaces
            .Select(static (result, _) => result.Operations)
            .Collect()
            .Select(static (uses, _) => SharedOperations.Find(uses));
        context.RegisterSourceOutput(sharedOperations, static (context, diagnostics) =>
        {
            foreach (var diagnostic in diagnostics)
            {
                context.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });

        foreach (var attribute in new[] { KnownNames.IdempotencyKeyAttribute, KnownNames.IdempotencyFingerprintAttribute, KnownNames.ExcludeFromFingerprintAttribute })
        {
            var unused = context.SyntaxProvider.ForAttributeWithMetadataName(
                attribute,
                static (node, _) => node is ParameterSyntax,
                static (context, _) => UnusedParameterAttribute(context));
            context.RegisterSourceOutput(unused, ReportIfAny);
        }

        var httpAttributes = context.SyntaxProvider.ForAttributeWithMetadataName(
            KnownNames.HttpIdempotentAttribute,
            static (node, _) => node is MethodDeclarationSyntax,
            static (context, _) => context.TargetSymbol.ContainingType?.TypeKind == TypeKind.Interface
                ? DiagnosticInfo.Create(Diagnostics.HttpAttributeOnInterface, context.Attributes[0].ApplicationSyntaxReference?.GetSyntax().GetLocation(), Names.ForMessage(context.TargetSymbol))
                : null);
        context.RegisterSourceOutput(httpAttributes, ReportIfAny);
    }

    /// <summary>
    /// Reads what one <c>[Idempotent]</c> attribute is on. An interface is read once, at its first marked method, so
    /// each decorator and each diagnostic comes out once however many of its methods are marked.
    /// </summary>
    private static ReadResult Read(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var location = context.Attributes[0].ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation();
        switch (context.TargetSymbol)
        {
            case INamedTypeSymbol type:
                return ReadResult.Of(DiagnosticInfo.Create(Diagnostics.OnAType, location, Names.ForMessage(type)));
            case IMethodSymbol { ContainingType.TypeKind: not TypeKind.Interface } method:
                return ReadResult.Of(DiagnosticInfo.Create(Diagnostics.NotAnInterfaceMethod, location, Names.ForMessage(method)));
            case IMethodSymbol method:
                var first = method.ContainingType.GetMembers().OfType<IMethodSymbol>().First(m => Attributes.Has(m, KnownNames.IdempotentAttribute));
                if (!SymbolEqualityComparer.Default.Equals(first, method))
                {
                    return ReadResult.Empty;
                }

                var (model, diagnostics, operations) = InterfaceReader.Read(method.ContainingType, context.SemanticModel.Compilation, cancellationToken);
                return new ReadResult(model, diagnostics.ToEquatableArray(), operations.ToEquatableArray());
            default:
                return ReadResult.Empty;
        }
    }

    private static DiagnosticInfo? UnusedParameterAttribute(GeneratorAttributeSyntaxContext context)
    {
        // On an [Idempotent] method the attribute counts (on a class's, IDEM001 already says the method is not decorated).
        if (context.TargetSymbol is not IParameterSymbol { ContainingSymbol: IMethodSymbol method } parameter || Attributes.Has(method, KnownNames.IdempotentAttribute))
        {
            return null;
        }

        var attribute = context.Attributes[0];
        var name = attribute.AttributeClass!.Name;
        return DiagnosticInfo.Create(Diagnostics.ParameterAttributeUnused, attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation(), name.EndsWith("Attribute", System.StringComparison.Ordinal) ? name.Substring(0, name.Length - 9) : name, parameter.Name, Names.ForMessage(method));
    }

    private static void ReportIfAny(SourceProductionContext context, DiagnosticInfo? diagnostic)
    {
        if (diagnostic is not null)
        {
            context.ReportDiagnostic(diagnostic.ToDiagnostic());
        }
    }

    /// <summary>What reading one attribute gave: a decorator to write (or none), diagnostics to report, and the operations of its [Idempotent] methods.</summary>
    private sealed record ReadResult(DecoratorModel? Model, EquatableArray<DiagnosticInfo> Diagnostics, EquatableArray<OperationUse> Operations)
    {
        public static readonly ReadResult Empty = new(null, EquatableArray<DiagnosticInfo>.Empty, EquatableArray<OperationUse>.Empty);

        public static ReadResult Of(DiagnosticInfo diagnostic) => new(null, new[] { diagnostic }.ToEquatableArray(), EquatableArray<OperationUse>.Empty);
    }
}
