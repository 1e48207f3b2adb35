using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Idempotency.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Idempotency.Generators.Reading;

/// <summary>
/// Reads where a method's key comes from: <c>Key = "orderId"</c> (a parameter), <c>Key = "order.Customer.Id"</c> (a
/// path of members, checked here), anything else as JMESPath over the arguments' JSON, or an <c>[IdempotencyKey]</c> parameter.
/// </summary>
internal static class KeyReader
{
    // A plain dotted path of C# identifiers: only that is C#; any other text (brackets, pipes, functions, quotes) is JMESPath.
    private static readonly Regex MemberPath = new(@"^\s*@?[\p{L}_][\p{L}\p{Nd}_]*(\s*\.\s*@?[\p{L}_][\p{L}\p{Nd}_]*)*\s*$", RegexOptions.CultureInvariant);

    /// <summary>
    /// Reads the key of <paramref name="method"/> from the attribute's <paramref name="keyText"/> and the parameters marked
    /// <c>[IdempotencyKey]</c>; reports what is wrong to <paramref name="report"/> and returns <see langword="null"/> then.
    /// </summary>
    public static KeyModel? Read(IMethodSymbol method, string? keyText, Location? keyLocation, Compilation compilation, Action<DiagnosticInfo> report)
    {
        var name = Names.ForMessage(method);
        if (keyText is not null && keyText.Trim().Length == 0)
        {
            // Not a JMESPath expression: one that selects nothing would fail every call at run time.
            report(DiagnosticInfo.Create(Diagnostics.NoKey, keyLocation, name));
            return null;
        }

        var marked = method.Parameters.Where(p => Attributes.Has(p, KnownNames.IdempotencyKeyAttribute)).ToList();
        if ((keyText is not null && marked.Count > 0) || marked.Count > 1)
        {
            var sources = (keyText is null ? [] : new[] { "Key = \"" + keyText + "\"" }).Concat(marked.Select(p => "[IdempotencyKey] " + p.Name));
            report(DiagnosticInfo.Create(Diagnostics.SeveralKeys, keyLocation ?? Attributes.Location(marked[marked.Count - 1]), name, string.Join(", ", sources)));
            return null;
        }

        if (marked.Count == 1)
        {
            return Text(method, marked[0].Type, Names.Identifier(marked[0].Name), Attributes.Location(marked[0]), report);
        }

        if (keyText is null)
        {
            report(DiagnosticInfo.Create(Diagnostics.NoKey, Attributes.Location(method), name));
            return null;
        }

        if (!MemberPath.IsMatch(keyText))
        {
            if (compilation.GetTypeByMetadataName(KnownNames.JmesPathKeySelector) is null)
            {
                report(DiagnosticInfo.Create(Diagnostics.JmesPathNotReferenced, keyLocation, keyText, name));
                return null;
            }

            return new KeyModel(KeySource.JmesPath, keyText);
        }

        return ReadPath(method, keyText, keyLocation, compilation, report);
    }

    private static KeyModel? ReadPath(IMethodSymbol method, string keyText, Location? location, Compilation compilation, Action<DiagnosticInfo> report)
    {
        var name = Names.ForMessage(method);
        var segments = keyText.Split('.').Select(s => s.Trim().TrimStart('@')).ToList();
        var parameter = method.Parameters.FirstOrDefault(p => p.Name == segments[0]);
        if (parameter is null)
        {
            var near = method.Parameters.FirstOrDefault(p => string.Equals(p.Name, segments[0], StringComparison.OrdinalIgnoreCase));
            report(DiagnosticInfo.Create(Diagnostics.KeyParameterMissing, location, keyText, name, near is null ? string.Empty : $" (did you mean '{near.Name}'?)"));
            return null;
        }

        ITypeSymbol type = parameter.Type;
        var expression = new StringBuilder(Names.Identifier(parameter.Name));
        foreach (var segment in segments.Skip(1))
        {
            var owner = TypeRules.MembersOf(type);
            var member = FindMember(owner, segment, compilation, ignoreCase: false);
            if (member is null)
            {
                var near = FindMember(owner, segment, compilation, ignoreCase: true);
                report(DiagnosticInfo.Create(Diagnostics.KeyMemberMissing, location, keyText, name, owner.ToDisplayString(), segment, near is null ? string.Empty : $" (did you mean '{near.Name}'?)"));
                return null;
            }

            expression.Append(TypeRules.CanBeNull(type) ? "?." : ".").Append(Names.Identifier(member.Name));
            type = member is IPropertySymbol property ? property.Type : ((IFieldSymbol)member).Type;
        }

        // After a '?.' the whole path is null when a link is: a value-type result is then read as its nullable form.
        return Text(method, type, expression.ToString(), location, report);
    }

    private static KeyModel? Text(IMethodSymbol method, ITypeSymbol type, string expression, Location? location, Action<DiagnosticInfo> report)
    {
        if (!TypeRules.IsKeyText(type))
        {
            report(DiagnosticInfo.Create(Diagnostics.KeyNotText, location, Names.ForMessage(method), type.ToDisplayString()));
            return null;
        }

        return new KeyModel(TypeRules.IsString(type) ? KeySource.Expression : TypeRules.IsDateOrTime(type) ? KeySource.RoundTrip : KeySource.Formattable, expression);
    }

    private static ISymbol? FindMember(ITypeSymbol type, string name, Compilation compilation, bool ignoreCase)
    {
        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        foreach (var owner in Owners(type))
        {
            foreach (var member in owner.GetMembers())
            {
                if (!string.Equals(member.Name, name, comparison) || member.IsStatic)
                {
                    continue;
                }

                var readable = member switch
                {
                    IPropertySymbol { IsIndexer: false, GetMethod: { } getter } => compilation.IsSymbolAccessibleWithin(getter, compilation.Assembly),
                    IFieldSymbol field => !field.IsImplicitlyDeclared && compilation.IsSymbolAccessibleWithin(field, compilation.Assembly),
                    _ => false,
                };
                if (readable)
                {
                    return member;
                }
            }
        }

        return null;
    }

    private static IEnumerable<ITypeSymbol> Owners(ITypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            yield return current;
        }

        foreach (var inherited in type.AllInterfaces)
        {
            yield return inherited;
        }
    }
}
