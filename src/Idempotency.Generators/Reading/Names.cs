using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Idempotency.Generators.Reading;

/// <summary>How symbols are written into generated C#.</summary>
internal static class Names
{
    /// <summary>Fully qualified, with C# keywords for special types and <c>?</c> on nullable reference types.</summary>
    public static readonly SymbolDisplayFormat Type = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>How messages name a method: <c>IPayments.ChargeAsync(string, decimal)</c>, so overloads are told apart.</summary>
    public static readonly SymbolDisplayFormat Message = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        memberOptions: SymbolDisplayMemberOptions.IncludeContainingType | SymbolDisplayMemberOptions.IncludeParameters,
        parameterOptions: SymbolDisplayParameterOptions.IncludeType | SymbolDisplayParameterOptions.IncludeParamsRefOut,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

    public static string Of(ITypeSymbol type) => type.ToDisplayString(Type);

    public static string ForMessage(ISymbol symbol) => symbol.ToDisplayString(Message);

    /// <summary>An identifier as C# must spell it: <c>@event</c> for a parameter named <c>event</c>.</summary>
    public static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>A C# string literal.</summary>
    public static string Literal(string text) => SymbolDisplay.FormatLiteral(text, quote: true);
}
