namespace Idempotency.Generators.Model;

/// <summary>Everything the decorator of one interface is written from: names and types as C# text, no symbols.</summary>
/// <param name="Namespace">The interface's namespace, or empty for the global namespace.</param>
/// <param name="InterfaceType">The interface, fully qualified (<c>global::Shop.IPayments</c>).</param>
/// <param name="DecoratorName">The decorator class (<c>PaymentsIdempotencyDecorator</c>).</param>
/// <param name="Members">Every member the decorator implements, the base interfaces' included.</param>
internal sealed record DecoratorModel(string Namespace, string InterfaceType, string DecoratorName, EquatableArray<MemberModel> Members)
{
    public string DecoratorType => Namespace.Length == 0 ? "global::" + DecoratorName : $"global::{Namespace}.{DecoratorName}";

    public string HintName => (Namespace.Length == 0 ? DecoratorName : $"{Namespace}.{DecoratorName}") + ".g.cs";
}

/// <summary>What a member of the interface is.</summary>
internal enum MemberKind
{
    Method,
    Property,
    Indexer,
    Event,
}

/// <summary>How a method returns: what the decorator awaits or waits for.</summary>
internal enum ReturnShape
{
    Void,
    Value,
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,
}

/// <summary>One member of the interface.</summary>
/// <param name="Kind">Method, property, indexer or event.</param>
/// <param name="DeclaringInterface">The interface that declares it, fully qualified (an explicit implementation names it).</param>
/// <param name="IsInherited">Whether a base interface declares it (the inner service is then cast to that interface).</param>
/// <param name="Name">The member's name, escaped when it is a keyword.</param>
/// <param name="Type">The return, property or event type; <c>void</c> for methods without a result.</param>
/// <param name="RefKind">Empty, <c>ref </c> or <c>ref readonly </c>: how the member returns.</param>
/// <param name="TypeParameters">The type parameters of a generic method that is only forwarded.</param>
/// <param name="Parameters">The parameters (of a method or an indexer).</param>
/// <param name="HasGetter">Whether a property or indexer can be read.</param>
/// <param name="HasSetter">Whether a property or indexer can be written.</param>
/// <param name="Idempotent">How the method runs through the engine, or <see langword="null"/> when it is only forwarded.</param>
internal sealed record MemberModel(
    MemberKind Kind,
    string DeclaringInterface,
    bool IsInherited,
    string Name,
    string Type,
    string RefKind,
    EquatableArray<TypeParameterModel> TypeParameters,
    EquatableArray<ParameterModel> Parameters,
    bool HasGetter,
    bool HasSetter,
    IdempotentMethodModel? Idempotent);

/// <summary>A type parameter of a forwarded generic method.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Constraint">
/// What an explicit implementation must say of it for <c>T?</c> to mean what the interface means: <c>default</c> (no
/// <c>class</c> or <c>struct</c> constraint), <c>class</c> (else <c>T?</c> would mean <c>Nullable&lt;T&gt;</c>; an explicit
/// implementation may say no more, not even <c>class?</c>),
/// or nothing (a value type: <c>T?</c> is <c>Nullable&lt;T&gt;</c> anyway).
/// </param>
internal sealed record TypeParameterModel(string Name, string? Constraint);

/// <summary>A parameter.</summary>
/// <param name="Name">Its name as written in C# (escaped when it is a keyword).</param>
/// <param name="JsonName">Its name in the arguments' JSON (never escaped).</param>
/// <param name="Type">Its type, fully qualified.</param>
/// <param name="Modifier">Empty, or <c>ref</c>, <c>out</c>, <c>in</c>, <c>ref readonly</c> (forwarded methods only).</param>
/// <param name="IsParams">Whether it is a <c>params</c> parameter.</param>
internal sealed record ParameterModel(string Name, string JsonName, string Type, string Modifier, bool IsParams);

/// <summary>How an <c>[Idempotent]</c> method builds its request and runs.</summary>
/// <param name="Shape">What it returns.</param>
/// <param name="ResultType">The result type (<c>T</c> of <c>Task&lt;T&gt;</c>), or empty.</param>
/// <param name="Operation">The operation its records are stored under.</param>
/// <param name="Policy">The engine policy, or <see langword="null"/> for the default policy.</param>
/// <param name="KeyRequirement">The <c>KeyRequirement</c> member name when the attribute sets it.</param>
/// <param name="Key">Where the key comes from.</param>
/// <param name="CancellationToken">The name of the parameter whose token is flowed, or <see langword="null"/>.</param>
/// <param name="Arguments">The parameters written to the arguments' JSON, in order.</param>
/// <param name="ExcludedFromFingerprint">The JSON names among <paramref name="Arguments"/> the fingerprint leaves out.</param>
/// <param name="Index">The method's position in the decorator (names its cached key selector).</param>
internal sealed record IdempotentMethodModel(
    ReturnShape Shape,
    string ResultType,
    string Operation,
    string? Policy,
    string? KeyRequirement,
    KeyModel Key,
    string? CancellationToken,
    EquatableArray<string> Arguments,
    EquatableArray<string> ExcludedFromFingerprint,
    int Index);

/// <summary>How the key is read.</summary>
internal enum KeySource
{
    /// <summary>A C# expression over the parameters (a parameter, or a path of its members) whose value is a string.</summary>
    Expression,

    /// <summary>Such an expression whose value is <c>IFormattable</c>: written with the invariant culture.</summary>
    Formattable,

    /// <summary>Such an expression whose value is a date or time: written in the round-trip format ("O"), as the default one drops fractions of seconds.</summary>
    RoundTrip,

    /// <summary>A JMESPath expression over the arguments' JSON.</summary>
    JmesPath,
}

/// <summary>The key.</summary>
/// <param name="Source">Expression or JMESPath.</param>
/// <param name="Text">The C# expression that yields the key (or null), or the JMESPath expression.</param>
internal sealed record KeyModel(KeySource Source, string Text);

/// <summary>A decorator to register: the interface and the class that decorates it.</summary>
internal sealed record Registration(string InterfaceType, string DecoratorType);
