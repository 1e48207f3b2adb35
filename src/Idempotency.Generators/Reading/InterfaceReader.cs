using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Idempotency.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Idempotency.Generators.Reading;

/// <summary>Reads an interface with <c>[Idempotent]</c> methods into the model of its decorator.</summary>
internal static class InterfaceReader
{
    /// <summary>
    /// Reads <paramref name="type"/>: the model of its decorator (or <see langword="null"/> when it has errors) and the
    /// diagnostics of the interface and of the methods it declares. Methods of base interfaces are decorated too, but
    /// their diagnostics belong to their own interface's decorator.
    /// </summary>
    public static (DecoratorModel? Model, List<DiagnosticInfo> Diagnostics, List<OperationUse> Operations) Read(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var operations = new List<OperationUse>();
        if (Unsupported(type, compilation) is { } why)
        {
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.UnsupportedInterface, Attributes.Location(type), Names.ForMessage(type), why));
            return (null, diagnostics, operations);
        }

        var members = new List<MemberModel>();
        var errors = false;
        foreach (var declaring in new[] { type }.Concat(type.AllInterfaces))
        {
            var inherited = !SymbolEqualityComparer.Default.Equals(declaring, type);
            foreach (var member in declaring.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (member.IsStatic)
                {
                    continue;
                }

                var own = new List<DiagnosticInfo>();
                var model = Member(member, declaring, inherited, members.Count, compilation, own.Add);
                if (!inherited)
                {
                    diagnostics.AddRange(own);
                    errors |= own.Any(d => d.Descriptor.DefaultSeverity == DiagnosticSeverity.Error);
                }

                if (model is null)
                {
                    continue;
                }

                if (model.Idempotent is { } idempotent && member is IMethodSymbol method)
                {
                    // Checked across the compilation (SharedOperations): interfaces of other namespaces may share one too.
                    operations.Add(new OperationUse(idempotent.Operation, method.GetDocumentationCommentId() ?? method.ToDisplayString(), Names.ForMessage(method), method.ToDisplayString(), LocationInfo.From(Attributes.Location(method))));
                }

                members.Add(model);
            }
        }

        if (errors)
        {
            return (null, diagnostics, operations);
        }

        var ns = type.ContainingNamespace.IsGlobalNamespace ? string.Empty : type.ContainingNamespace.ToDisplayString();
        return (new DecoratorModel(ns, Names.Of(type), DecoratorName(type), members.ToEquatableArray()), diagnostics, operations);
    }

    /// <summary>The decorator's name: <c>PaymentsIdempotencyDecorator</c> for <c>IPayments</c>, containing types joined for a nested interface.</summary>
    public static string DecoratorName(INamedTypeSymbol type)
    {
        var name = type.Name.Length > 1 && type.Name[0] == 'I' && char.IsUpper(type.Name[1]) ? type.Name.Substring(1) : type.Name;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            name = outer.Name + "_" + name;
        }

        return name + "IdempotencyDecorator";
    }

    private static string? Unsupported(INamedTypeSymbol type, Compilation compilation)
    {
        if (type.IsGenericType)
        {
            return "it is generic (give each type argument an interface of its own)";
        }

        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
            {
                return "it is not visible to a class of its assembly (make it internal or public)";
            }

            if (current.IsFileLocal)
            {
                return "it is file-local, so the decorator's file cannot name it (make it internal or public)";
            }

            if (current.ContainingType is { IsGenericType: true })
            {
                return "it is nested in a generic type";
            }
        }

        if (new[] { type }.Concat(type.AllInterfaces).SelectMany(i => i.GetMembers()).Any(m => m.IsStatic && m.IsAbstract))
        {
            return "it has static abstract members";
        }

        if (new[] { type }.Concat(type.AllInterfaces).SelectMany(i => i.GetMembers()).OfType<IPropertySymbol>().FirstOrDefault(p => !p.IsStatic && p.SetMethod is { IsInitOnly: true }) is { } initOnly)
        {
            return "its property '" + initOnly.Name + "' has an init accessor, which a decorator cannot forward to the inner service";
        }

        // Generated into the interface's namespace: a type already named so there would clash with it.
        var decorator = (type.ContainingNamespace.IsGlobalNamespace ? string.Empty : type.ContainingNamespace.ToDisplayString() + ".") + DecoratorName(type);
        if (compilation.Assembly.GetTypeByMetadataName(decorator) is not null)
        {
            return "its decorator's name '" + decorator + "' is taken by another type (rename that type)";
        }

        return null;
    }

    private static MemberModel? Member(ISymbol member, INamedTypeSymbol declaring, bool inherited, int index, Compilation compilation, Action<DiagnosticInfo> report)
    {
        var interfaceType = Names.Of(declaring);
        switch (member)
        {
            case IMethodSymbol { MethodKind: MethodKind.Ordinary } method:
                var attribute = Attributes.Find(method, KnownNames.IdempotentAttribute);
                IdempotentMethodModel? idempotent = null;
                if (attribute is not null)
                {
                    idempotent = MethodReader.Read(method, attribute, index, compilation, report);
                }

                return new MemberModel(
                    MemberKind.Method,
                    interfaceType,
                    inherited,
                    Names.Identifier(method.Name),
                    method.ReturnsVoid ? "void" : Names.Of(method.ReturnType),
                    method.ReturnsByRefReadonly ? "ref readonly " : method.ReturnsByRef ? "ref " : string.Empty,
                    method.TypeParameters.Select(t => new TypeParameterModel(Names.Identifier(t.Name), ImplementationConstraint(t))).ToEquatableArray(),
                    Parameters(method.Parameters),
                    HasGetter: false,
                    HasSetter: false,
                    idempotent);
            case IPropertySymbol property:
                return new MemberModel(
                    property.IsIndexer ? MemberKind.Indexer : MemberKind.Property,
                    interfaceType,
                    inherited,
                    Names.Identifier(property.Name),
                    Names.Of(property.Type),
                    property.ReturnsByRefReadonly ? "ref readonly " : property.ReturnsByRef ? "ref " : string.Empty,
                    EquatableArray<TypeParameterModel>.Empty,
                    Parameters(property.Parameters),
                    property.GetMethod is not null,
                    property.SetMethod is not null,
                    Idempotent: null);
            case IEventSymbol @event:
                return new MemberModel(MemberKind.Event, interfaceType, inherited, Names.Identifier(@event.Name), Names.Of(@event.Type), string.Empty, EquatableArray<TypeParameterModel>.Empty, EquatableArray<ParameterModel>.Empty, HasGetter: false, HasSetter: false, Idempotent: null);
            default:
                return null;
        }
    }

    private static string? ImplementationConstraint(ITypeParameterSymbol type) =>
        type.HasReferenceTypeConstraint ? "class"
        : type.HasValueTypeConstraint || type.HasUnmanagedTypeConstraint ? null
        : "default";

    private static EquatableArray<ParameterModel> Parameters(IEnumerable<IParameterSymbol> parameters) =>
        parameters.Select(p => new ParameterModel(Names.Identifier(p.Name), p.Name, Names.Of(p.Type), MethodReader.RefKindText(p.RefKind).Trim(), p.IsParams)).ToEquatableArray();
}
