using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Idempotency.Generators.Reading;

/// <summary>Finds attributes on symbols, their arguments, and where to point diagnostics.</summary>
internal static class Attributes
{
    public static AttributeData? Find(ISymbol symbol, string metadataName) =>
        symbol.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == metadataName);

    public static bool Has(ISymbol symbol, string metadataName) => Find(symbol, metadataName) is not null;

    /// <summary>A named argument's string value, or <see langword="null"/> when the attribute does not set it.</summary>
    public static string? String(AttributeData attribute, string name, out bool isSet)
    {
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Key == name)
            {
                isSet = true;
                return argument.Value.Value as string;
            }
        }

        isSet = false;
        return null;
    }

    /// <summary>The enum member name a named argument sets, or <see langword="null"/>.</summary>
    public static string? EnumMember(AttributeData attribute, string name)
    {
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Key == name && argument.Value.Type is INamedTypeSymbol enumType)
            {
                var member = enumType.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, argument.Value.Value));
                return member?.Name;
            }
        }

        return null;
    }

    /// <summary>The location of a named argument's value (<c>"orderId"</c> in <c>Key = "orderId"</c>), else of the attribute.</summary>
    public static Location? ArgumentLocation(AttributeData attribute, string name)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax() is not AttributeSyntax syntax)
        {
            return null;
        }

        var argument = syntax.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);
        return (argument?.Expression ?? (SyntaxNode)syntax).GetLocation();
    }

    /// <summary>Where a symbol is declared: its identifier.</summary>
    public static Location? Location(ISymbol symbol) => symbol.Locations.FirstOrDefault(l => l.IsInSource);
}
