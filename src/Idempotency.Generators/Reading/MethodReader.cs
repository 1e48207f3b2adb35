using System;
using System.Collections.Generic;
using System.Linq;
using Idempotency.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Idempotency.Generators.Reading;

/// <summary>Reads one <c>[Idempotent]</c> interface method: its return shape, key, fingerprint, operation and policy.</summary>
internal static class MethodReader
{
    // The engine's rule for store key segments (StoreKey.IsValidSegment): 1-100 of [A-Za-z0-9._/-].
    private const int MaxOperationLength = 100;

    /// <summary>Reads the method; returns <see langword="null"/> when it has an error, reported to <paramref name="report"/>.</summary>
    public static IdempotentMethodModel? Read(IMethodSymbol method, AttributeData attribute, int index, Compilation compilation, Action<DiagnosticInfo> report)
    {
        var errors = 0;
        void Report(DiagnosticInfo diagnostic)
        {
            errors += diagnostic.Descriptor.DefaultSeverity == DiagnosticSeverity.Error ? 1 : 0;
            report(diagnostic);
        }

        var name = Names.ForMessage(method);
        var location = Attributes.Location(method);
        if (method.IsGenericMethod)
        {
            Report(DiagnosticInfo.Create(Diagnostics.GenericMethod, location, name));
        }

        var shape = TypeRules.Shape(method, out var result, out var problem);
        if (shape is null)
        {
            Report(DiagnosticInfo.Create(Diagnostics.UnsupportedReturnType, location, name, problem!));
        }
        else if (result is not null && TypeRules.Unserializable(result, readBack: true) is { } why)
        {
            Report(DiagnosticInfo.Create(Diagnostics.ResultNotSerializable, location, name, why, result.ToDisplayString()));
        }
        else if (result is not null && TypeRules.Lossy(result, readBack: true) is { } lossy)
        {
            Report(DiagnosticInfo.Create(Diagnostics.LossyJson, location, "The result", name, lossy.Kind, result.ToDisplayString(), lossy.Consequence));
        }

        foreach (var parameter in method.Parameters)
        {
            var unsupported = parameter.RefKind != RefKind.None ? "passed by reference ('" + RefKindText(parameter.RefKind).Trim() + "')"
                : parameter.Type.IsRefLikeType ? "a ref struct ('" + parameter.Type.ToDisplayString() + "')"
                : parameter.Type is IPointerTypeSymbol or IFunctionPointerTypeSymbol ? "a pointer"
                : null;
            if (unsupported is not null)
            {
                Report(DiagnosticInfo.Create(Diagnostics.UnsupportedParameter, Attributes.Location(parameter), parameter.Name, name, unsupported));
            }
        }

        var keyText = Attributes.String(attribute, "Key", out _);
        var key = KeyReader.Read(method, keyText, Attributes.ArgumentLocation(attribute, "Key"), compilation, Report);
        var (arguments, excluded) = Fingerprint(method, key, Report);
        var operation = Operation(method, attribute, Report);
        var policy = Attributes.String(attribute, "Policy", out var policySet);
        if (policySet && string.IsNullOrWhiteSpace(policy))
        {
            Report(DiagnosticInfo.Create(Diagnostics.InvalidName, Attributes.ArgumentLocation(attribute, "Policy"), "Policy", name, policy ?? "null", "name a policy added with AddIdempotency(o => o.AddPolicy(...)), or leave Policy unset for the default policy"));
        }

        if (errors > 0 || shape is null || key is null)
        {
            return null;
        }

        var cancellationToken = method.Parameters.FirstOrDefault(p => TypeRules.IsCancellationToken(p.Type));
        return new IdempotentMethodModel(
            shape.Value,
            result is null ? string.Empty : Names.Of(result),
            operation,
            policySet ? policy : null,
            Attributes.EnumMember(attribute, "KeyRequirement"),
            key,
            cancellationToken is null ? null : Names.Identifier(cancellationToken.Name),
            arguments.ToEquatableArray(),
            excluded.ToEquatableArray(),
            index);
    }

    public static string RefKindText(RefKind kind) => kind switch
    {
        RefKind.Ref => "ref ",
        RefKind.Out => "out ",
        RefKind.In => "in ",
        RefKind.RefReadOnlyParameter => "ref readonly ",
        _ => string.Empty,
    };

    /// <summary>
    /// The parameters written to the arguments' JSON, and those of them the fingerprint leaves out. Without a JMESPath key
    /// only what the fingerprint covers is written; a JMESPath key reads every argument, so all are written and the
    /// fingerprint excludes some by name.
    /// </summary>
    private static (List<string> Arguments, List<string> Excluded) Fingerprint(IMethodSymbol method, KeyModel? key, Action<DiagnosticInfo> report)
    {
        var candidates = method.Parameters.Where(p => !TypeRules.IsCancellationToken(p.Type) && p.RefKind == RefKind.None && !p.Type.IsRefLikeType).ToList();
        var included = candidates.Where(p => Attributes.Has(p, KnownNames.IdempotencyFingerprintAttribute)).ToList();
        var excluded = candidates.Where(p => Attributes.Has(p, KnownNames.ExcludeFromFingerprintAttribute)).ToList();
        if (included.Count > 0 && excluded.Count > 0)
        {
            report(DiagnosticInfo.Create(Diagnostics.FingerprintConflict, Attributes.Location(excluded[0]), Names.ForMessage(method)));
        }

        var fingerprinted = included.Count > 0 ? included : candidates.Except(excluded, SymbolEqualityComparer.Default).Cast<IParameterSymbol>().ToList();
        foreach (var parameter in fingerprinted)
        {
            if (TypeRules.Unserializable(parameter.Type, readBack: false) is { } why)
            {
                report(DiagnosticInfo.Create(Diagnostics.ArgumentNotSerializable, Attributes.Location(parameter), parameter.Name, Names.ForMessage(method), why, parameter.Type.ToDisplayString()));
            }
            else if (TypeRules.Lossy(parameter.Type, readBack: false) is { } lossy)
            {
                report(DiagnosticInfo.Create(Diagnostics.LossyJson, Attributes.Location(parameter), "Parameter '" + parameter.Name + "'", Names.ForMessage(method), lossy.Kind, parameter.Type.ToDisplayString(), lossy.Consequence));
            }
        }

        if (key?.Source != KeySource.JmesPath)
        {
            return (fingerprinted.Select(p => p.Name).ToList(), []);
        }

        var written = candidates.Where(p => fingerprinted.Contains(p, SymbolEqualityComparer.Default) || TypeRules.Unserializable(p.Type, readBack: false) is null).ToList();
        return (written.Select(p => p.Name).ToList(), written.Where(p => !fingerprinted.Contains(p, SymbolEqualityComparer.Default)).Select(p => p.Name).ToList());
    }

    private static string Operation(IMethodSymbol method, AttributeData attribute, Action<DiagnosticInfo> report)
    {
        var operation = Attributes.String(attribute, "Operation", out var isSet);
        var defaulted = !isSet;
        operation = defaulted ? method.ContainingType.Name + "." + method.Name : operation ?? string.Empty;
        if (operation.Length == 0 || operation.Length > MaxOperationLength || operation.Any(c => !IsSegmentCharacter(c)))
        {
            var location = defaulted ? Attributes.Location(method) : Attributes.ArgumentLocation(attribute, "Operation");
            var fix = defaulted ? "the default (interface and method name) is not a valid operation; set Operation to 1-100 of letters, digits, '.', '_', '-' or '/'" : "operations are 1-100 of letters, digits, '.', '_', '-' or '/'";
            report(DiagnosticInfo.Create(Diagnostics.InvalidName, location, "Operation", Names.ForMessage(method), operation, fix));
        }

        return operation;
    }

    private static bool IsSegmentCharacter(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '_' or '-' or '/';
}
