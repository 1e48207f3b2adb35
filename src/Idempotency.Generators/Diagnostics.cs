using Microsoft.CodeAnalysis;

namespace Idempotency.Generators;

/// <summary>
/// Every diagnostic of the generator. Ids are stable (AnalyzerReleases.*.md tracks them): never renumber one, retire it
/// instead. Each message names what is wrong and what to write instead.
/// </summary>
internal static class Diagnostics
{
    private const string Category = "Idempotency";

    public static readonly DiagnosticDescriptor NotAnInterfaceMethod = Error(
        "IDEM001",
        "[Idempotent] only applies to interface methods",
        "[Idempotent] on '{0}' has no effect: only methods of interfaces get a decorator. Put the attribute on the interface method this class implements.");

    public static readonly DiagnosticDescriptor OnAType = Error(
        "IDEM002",
        "[Idempotent] belongs on interface methods, not on types",
        "[Idempotent] on type '{0}' has no effect: mark each interface method that must run once per key");

    public static readonly DiagnosticDescriptor NoKey = Error(
        "IDEM003",
        "An [Idempotent] method needs a key",
        "'{0}' has no idempotency key: set Key (a parameter, a parameter's member path such as \"order.Id\", or a JMESPath expression over the arguments) or mark a parameter [IdempotencyKey]");

    public static readonly DiagnosticDescriptor KeyParameterMissing = Error(
        "IDEM004",
        "Key names a parameter the method does not have",
        "Key \"{0}\" of '{1}' names no parameter{2}");

    public static readonly DiagnosticDescriptor KeyMemberMissing = Error(
        "IDEM005",
        "Key names a member the type does not have",
        "Key \"{0}\" of '{1}': '{2}' has no readable instance property or field '{3}'{4}");

    public static readonly DiagnosticDescriptor SeveralKeys = Error(
        "IDEM006",
        "An [Idempotent] method has more than one key",
        "'{0}' has more than one key ({1}): keep one");

    public static readonly DiagnosticDescriptor UnsupportedReturnType = Error(
        "IDEM007",
        "Return type not supported by [Idempotent]",
        "'{0}' returns {1}, which cannot be run once and replayed: return Task, Task<T>, ValueTask, ValueTask<T>, a value, or void");

    public static readonly DiagnosticDescriptor UnsupportedParameter = Error(
        "IDEM008",
        "Parameter not supported by [Idempotent]",
        "Parameter '{0}' of '{1}' is {2}: the decorator runs the method in a callback, which cannot capture it. Pass it by value.");

    public static readonly DiagnosticDescriptor GenericMethod = Error(
        "IDEM009",
        "Generic methods cannot be [Idempotent]",
        "'{0}' is generic: its replayed result type would be chosen by each caller. Give each result type a method of its own.");

    public static readonly DiagnosticDescriptor ResultNotSerializable = Error(
        "IDEM010",
        "The result cannot be stored and replayed",
        "The result of '{0}' is {1} ('{2}'), which the serializer cannot write or read back for a replay");

    public static readonly DiagnosticDescriptor KeyNotText = Error(
        "IDEM011",
        "The key cannot be turned into text",
        "The key of '{0}' has type '{1}', which has no invariant text form: use a string, a number, a Guid, an enum (any IFormattable), or a member path to one (Key = \"order.Id\")");

    public static readonly DiagnosticDescriptor JmesPathNotReferenced = Error(
        "IDEM012",
        "A JMESPath key needs the Idempotency.JmesPath package",
        "Key \"{0}\" of '{1}' is not a parameter or member path, so it is read as JMESPath, which needs a reference to Idempotency.JmesPath");

    public static readonly DiagnosticDescriptor FingerprintConflict = Error(
        "IDEM013",
        "[IdempotencyFingerprint] and [ExcludeFromFingerprint] on one method",
        "'{0}' marks parameters both [IdempotencyFingerprint] (only these count) and [ExcludeFromFingerprint] (all but these count): use one of the two");

    public static readonly DiagnosticDescriptor InvalidName = Error(
        "IDEM014",
        "Invalid operation or policy name",
        "{0} of '{1}' is \"{2}\": {3}");

    public static readonly DiagnosticDescriptor UnsupportedInterface = Error(
        "IDEM015",
        "The interface cannot be decorated",
        "Interface '{0}' cannot get a decorator: {1}");

    public static readonly DiagnosticDescriptor ArgumentNotSerializable = Error(
        "IDEM016",
        "An argument cannot be fingerprinted",
        "Parameter '{0}' of '{1}' is {2} ('{3}'), which the serializer cannot write into the fingerprint: mark it [ExcludeFromFingerprint]");

    public static readonly DiagnosticDescriptor SharedOperation = Warning(
        "IDEM017",
        "Two [Idempotent] methods share one operation",
        "'{0}' stores its records under operation \"{1}\", like '{2}': a key used with both is one record, so the second call replays the first one's result (when the arguments are equal) or is refused as reused. Set Operation on one of them.");

    public static readonly DiagnosticDescriptor ParameterAttributeUnused = Warning(
        "IDEM018",
        "Parameter attribute without [Idempotent]",
        "[{0}] on parameter '{1}' has no effect: '{2}' is not an [Idempotent] interface method");

    public static readonly DiagnosticDescriptor HttpAttributeOnInterface = Warning(
        "IDEM019",
        "The HTTP [Idempotent] attribute on an interface method",
        "Idempotency.AspNetCore.IdempotentAttribute on '{0}' has no effect on an interface method: for a generated decorator use Idempotency.Decorators.IdempotentAttribute");

    public static readonly DiagnosticDescriptor LossyJson = Warning(
        "IDEM020",
        "A value that does not survive the JSON round trip",
        "{0} of '{1}' is {2} ('{3}'): {4}");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);
}
