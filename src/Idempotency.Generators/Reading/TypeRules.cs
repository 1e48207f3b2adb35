using System.Linq;
using Idempotency.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Idempotency.Generators.Reading;

/// <summary>What the generator can tell about a type at compile time: how a method returns, what the serializer can handle, what makes a key.</summary>
internal static class TypeRules
{
    /// <summary>How <paramref name="method"/> returns, or <see langword="null"/> with <paramref name="problem"/> when a decorator cannot run it once and replay it.</summary>
    public static ReturnShape? Shape(IMethodSymbol method, out ITypeSymbol? result, out string? problem)
    {
        result = null;
        problem = null;
        if (method.ReturnsByRef || method.ReturnsByRefReadonly)
        {
            problem = "a reference ('ref " + method.ReturnType.ToDisplayString() + "')";
            return null;
        }

        if (method.ReturnsVoid)
        {
            return ReturnShape.Void;
        }

        var type = method.ReturnType;
        if (type is INamedTypeSymbol named)
        {
            switch (named.OriginalDefinition.ToDisplayString())
            {
                case "System.Threading.Tasks.Task":
                    return ReturnShape.Task;
                case "System.Threading.Tasks.ValueTask":
                    return ReturnShape.ValueTask;
                case "System.Threading.Tasks.Task<TResult>":
                    result = named.TypeArguments[0];
                    return ReturnShape.TaskOfT;
                case "System.Threading.Tasks.ValueTask<TResult>":
                    result = named.TypeArguments[0];
                    return ReturnShape.ValueTaskOfT;
            }
        }

        if (IsAsyncStream(type))
        {
            problem = "an async stream ('" + type.ToDisplayString() + "')";
            return null;
        }

        if (IsAwaitable(type))
        {
            problem = "an awaitable other than Task and ValueTask ('" + type.ToDisplayString() + "')";
            return null;
        }

        result = type;
        return ReturnShape.Value;
    }

    /// <summary>
    /// Why the serializer cannot write <paramref name="type"/> (or, when <paramref name="readBack"/>, read it back), or
    /// <see langword="null"/> when nothing can be told at compile time.
    /// </summary>
    public static string? Unserializable(ITypeSymbol type, bool readBack)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
        }

        if (type is IArrayTypeSymbol array)
        {
            return Unserializable(array.ElementType, readBack);
        }

        if (type is IPointerTypeSymbol or IFunctionPointerTypeSymbol)
        {
            return "a pointer";
        }

        if (type.IsRefLikeType)
        {
            return "a ref struct";
        }

        if (type.TypeKind == TypeKind.Delegate)
        {
            return "a delegate";
        }

        if (type.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr)
        {
            return "a native pointer-sized integer";
        }

        if (IsAsyncStream(type))
        {
            return "an async stream";
        }

        if (IsAwaitable(type))
        {
            return "a task";
        }

        if (DerivesFrom(type, "System.IO.Stream"))
        {
            return "a stream";
        }

        if (DerivesFrom(type, "System.Type") || DerivesFrom(type, "System.Reflection.MemberInfo"))
        {
            return "a reflection type";
        }

        if (readBack && !IsCollection(type) && !IsPolymorphic(type))
        {
            if (type.TypeKind == TypeKind.Interface)
            {
                return "an interface";
            }

            if (type.TypeKind == TypeKind.Class && type.IsAbstract)
            {
                return "an abstract class";
            }
        }

        return null;
    }

    /// <summary>
    /// Why a value of <paramref name="type"/> would not come back from JSON as it went in, with the default options: a
    /// value tuple (its elements are fields, written only with <c>IncludeFields</c>), or <see cref="object"/> (read back as
    /// a <c>JsonElement</c>). <see langword="null"/> when nothing is known.
    /// </summary>
    public static (string Kind, string Consequence)? Lossy(ITypeSymbol type, bool readBack)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
        }

        if (type.IsTupleType)
        {
            return ("a value tuple", readBack
                ? "System.Text.Json writes its elements only with IncludeFields = true, so a replay would return default values. Return a record."
                : "System.Text.Json writes its elements only with IncludeFields = true, so the fingerprint would not see them. Pass a record.");
        }

        if (readBack && type.SpecialType == SpecialType.System_Object)
        {
            return ("object", "a replay returns a JsonElement, not the value the first call returned. Return the concrete type.");
        }

        return null;
    }

    /// <summary>Whether a value of <paramref name="type"/> has an invariant text form a key can be made of.</summary>
    public static bool IsKeyText(ITypeSymbol type)
    {
        if (type.SpecialType == SpecialType.System_String)
        {
            return true;
        }

        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
        }

        return IsFormattable(type);
    }

    public static bool IsString(ITypeSymbol type) => type.SpecialType == SpecialType.System_String;

    /// <summary>Whether a key of this type (or its nullable form) needs the round-trip format: the default text of these drops fractions of seconds (or seconds).</summary>
    public static bool IsDateOrTime(ITypeSymbol type) =>
        MembersOf(type).ToDisplayString() is "System.DateTime" or "System.DateTimeOffset" or "System.TimeOnly";

    /// <summary>
    /// Whether a member access on a value of this type needs <c>?.</c>: a nullable value, or a reference that may be null
    /// (annotated <c>?</c>, or declared where nullable annotations are off). A reference declared not null is read with
    /// <c>.</c>, as the compiler's flow analysis would otherwise think it may be null where the call passes it on.
    /// </summary>
    public static bool CanBeNull(ITypeSymbol type) =>
        type.IsReferenceType ? type.NullableAnnotation != NullableAnnotation.NotAnnotated : type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T };

    /// <summary>The type whose members a member access reaches: <c>T</c> for <c>T?</c>.</summary>
    public static ITypeSymbol MembersOf(ITypeSymbol type) =>
        type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : type;

    public static bool IsCancellationToken(ITypeSymbol type) => type.ToDisplayString() == KnownNames.CancellationToken;

    private static bool IsFormattable(ITypeSymbol type) =>
        type.ToDisplayString() == "System.IFormattable" || type.AllInterfaces.Any(i => i.ToDisplayString() == "System.IFormattable");

    private static bool IsAsyncStream(ITypeSymbol type) =>
        IsAsyncEnumerable(type) || type.AllInterfaces.Any(IsAsyncEnumerable);

    private static bool IsAsyncEnumerable(ITypeSymbol type) =>
        type.OriginalDefinition.ToDisplayString() is "System.Collections.Generic.IAsyncEnumerable<T>" or "System.Collections.Generic.IAsyncEnumerator<T>";

    private static bool IsAwaitable(ITypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current.GetMembers("GetAwaiter").OfType<IMethodSymbol>().Any(m => !m.IsStatic && m.Parameters.Length == 0))
            {
                return true;
            }
        }

        return false;
    }

    private static bool DerivesFrom(ITypeSymbol type, string name)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current.ToDisplayString() == name)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Collection interfaces and abstract collections of the base library, which System.Text.Json reads back as a concrete collection.</summary>
    private static bool IsCollection(ITypeSymbol type)
    {
        var ns = type.ContainingNamespace?.ToDisplayString() ?? string.Empty;
        return (ns == "System.Collections" || ns.StartsWith("System.Collections.", System.StringComparison.Ordinal))
            && (type.SpecialType == SpecialType.System_Collections_IEnumerable || type.AllInterfaces.Any(i => i.SpecialType == SpecialType.System_Collections_IEnumerable));
    }

    /// <summary>Whether the type names its derived types for System.Text.Json (<c>[JsonPolymorphic]</c>, <c>[JsonDerivedType]</c>).</summary>
    private static bool IsPolymorphic(ITypeSymbol type) =>
        type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() is "System.Text.Json.Serialization.JsonPolymorphicAttribute" or "System.Text.Json.Serialization.JsonDerivedTypeAttribute");
}
