using System.Collections.Generic;
using System.Linq;
using Idempotency.Generators.Model;
using Idempotency.Generators.Reading;

namespace Idempotency.Generators.Writing;

/// <summary>
/// Writes the decorator of one interface: its <c>[Idempotent]</c> methods build a request (key, fingerprint, policy)
/// and run the inner service through the engine; every other member calls the inner service directly. Members are
/// implemented explicitly, so the signatures are the interface's own and never clash with the decorator's.
/// </summary>
internal static class DecoratorWriter
{
    private const string Runner = "global::Idempotency.Decorators.IdempotentMethodRunner";
    private const string InvariantCulture = "global::System.Globalization.CultureInfo.InvariantCulture";

    public static string Write(DecoratorModel model)
    {
        var writer = new CodeWriter();
        GeneratedHeader.Write(writer);
        if (model.Namespace.Length > 0)
        {
            writer.Open("namespace " + model.Namespace);
        }

        writer
            .Line($"/// <summary>")
            .Line($"/// Decorates <see cref=\"{Cref(model.InterfaceType)}\"/>: its [Idempotent] methods run once per key through the idempotency engine,")
            .Line("/// and a repeated key gets the first run's result; every other member calls the inner service.")
            .Line("/// </summary>")
            .Line(GeneratedHeader.GeneratedCode)
            .Open($"internal sealed class {model.DecoratorName} : {model.InterfaceType}")
            .Line($"private readonly {model.InterfaceType} _inner;")
            .Line($"private readonly {Runner} _runner;");
        foreach (var member in model.Members.Where(m => m.Idempotent?.Key.Source == KeySource.JmesPath))
        {
            writer.Line($"private static global::Idempotency.JmesPath.JmesPathKeySelector? _keySelector{member.Idempotent!.Index};");
        }

        writer
            .Line()
            .Line("/// <summary>Initializes a new instance of the decorator.</summary>")
            .Line("/// <param name=\"inner\">The service that does the work.</param>")
            .Line("/// <param name=\"runner\">Runs the [Idempotent] methods through the engine.</param>")
            .Open($"public {model.DecoratorName}({model.InterfaceType} inner, {Runner} runner)")
            .Line("_inner = inner ?? throw new global::System.ArgumentNullException(nameof(inner));")
            .Line("_runner = runner ?? throw new global::System.ArgumentNullException(nameof(runner));")
            .Close();

        foreach (var member in model.Members)
        {
            writer.Line();
            if (member.Idempotent is { } idempotent)
            {
                WriteIdempotent(writer, model.DecoratorType, member, idempotent);
            }
            else
            {
                WriteForwarded(writer, member);
            }
        }

        if (model.Members.Any(m => m.Idempotent?.Key.Source is KeySource.Formattable or KeySource.RoundTrip))
        {
            writer
                .Line()
                .Line("// A key's invariant text, through IFormattable (constrained, so a struct is not boxed); null stays null (no key).")
                .Line("private static string? KeyText<T>(T value, string? format) where T : global::System.IFormattable =>")
                .Line($"    value is null ? null : value.ToString(format, {InvariantCulture});")
                .Line()
                .Line("private static string? KeyText<T>(T? value, string? format) where T : struct, global::System.IFormattable =>")
                .Line($"    value.HasValue ? value.GetValueOrDefault().ToString(format, {InvariantCulture}) : null;");
        }

        writer.Close();
        if (model.Namespace.Length > 0)
        {
            writer.Close();
        }

        return writer.ToString();
    }

    // The decorator's own members are reached through its type name (decorator), as a parameter may be named like them.
    private static void WriteIdempotent(CodeWriter writer, string decorator, MemberModel member, IdempotentMethodModel method)
    {
        var taken = new HashSet<string>(member.Parameters.Select(p => p.Name.TrimStart('@')));
        var arguments = Unique("arguments", taken);
        var request = Unique("request", taken);
        var token = Unique("ct", taken);
        var isAsync = method.Shape is not (ReturnShape.Void or ReturnShape.Value);
        var resultType = method.Shape switch
        {
            ReturnShape.Void => "void",
            ReturnShape.Task => "global::System.Threading.Tasks.Task",
            ReturnShape.ValueTask => "global::System.Threading.Tasks.ValueTask",
            ReturnShape.TaskOfT => $"global::System.Threading.Tasks.Task<{method.ResultType}>",
            ReturnShape.ValueTaskOfT => $"global::System.Threading.Tasks.ValueTask<{method.ResultType}>",
            _ => method.ResultType,
        };

        writer
            .Line($"// [Idempotent]: operation {Names.Literal(method.Operation)}, policy {(method.Policy is null ? "default" : Names.Literal(method.Policy))}, key {(method.Key.Source == KeySource.JmesPath ? "JMESPath " + Names.Literal(method.Key.Text) : method.Key.Text)}.")
            .Open($"{(isAsync ? "async " : string.Empty)}{resultType} {member.DeclaringInterface}.{member.Name}({Declare(member.Parameters)})");

        var hasArguments = method.Arguments.Count > 0 || method.Key.Source == KeySource.JmesPath;
        if (hasArguments)
        {
            writer.Line($"using var {arguments} = this._runner.CreateArguments();");
            foreach (var json in method.Arguments)
            {
                var parameter = member.Parameters.First(p => p.JsonName == json);
                writer.Line($"{arguments}.Add({Names.Literal(json)}, {parameter.Name});");
            }
        }

        var key = method.Key.Source switch
        {
            KeySource.JmesPath => $"({decorator}._keySelector{method.Index} ??= new global::Idempotency.JmesPath.JmesPathKeySelector({Names.Literal(method.Key.Text)})).Select({arguments}.Json.Span).Key",
            KeySource.Formattable => $"{decorator}.KeyText({method.Key.Text}, null)",
            KeySource.RoundTrip => $"{decorator}.KeyText({method.Key.Text}, \"O\")",
            _ => method.Key.Text,
        };
        writer.Line($"var {request} = new global::Idempotency.IdempotencyRequest({Names.Literal(method.Operation)}, {key})").Line("{");
        if (method.Arguments.Count > method.ExcludedFromFingerprint.Count)
        {
            var excluded = method.ExcludedFromFingerprint.Count == 0 ? string.Empty : "new string[] { " + string.Join(", ", method.ExcludedFromFingerprint.Select(Names.Literal)) + " }";
            writer.Line($"    Fingerprint = {arguments}.ComputeFingerprint({excluded}),");
        }

        if (method.Policy is not null)
        {
            writer.Line($"    Policy = {Names.Literal(method.Policy)},");
        }

        if (method.KeyRequirement is not null)
        {
            writer.Line($"    KeyRequirement = global::Idempotency.KeyRequirement.{method.KeyRequirement},");
        }

        writer.Line("};");

        var call = $"{Inner(member)}.{member.Name}({string.Join(", ", member.Parameters.Select(p => p.Name == method.CancellationToken ? token : p.Name))})";
        var cancellationToken = method.CancellationToken ?? "global::System.Threading.CancellationToken.None";
        switch (method.Shape)
        {
            case ReturnShape.Void:
                writer.Line($"this._runner.Execute({request}, {token} => {call}, {cancellationToken});");
                break;
            case ReturnShape.Value:
                writer.Line($"return this._runner.Execute<{method.ResultType}>({request}, {token} => {call}, {cancellationToken});");
                break;
            case ReturnShape.Task:
                writer.Line($"await this._runner.ExecuteAsync({request}, {token} => new global::System.Threading.Tasks.ValueTask({call}), {cancellationToken}).ConfigureAwait(false);");
                break;
            case ReturnShape.ValueTask:
                writer.Line($"await this._runner.ExecuteAsync({request}, {token} => {call}, {cancellationToken}).ConfigureAwait(false);");
                break;
            case ReturnShape.TaskOfT:
                writer.Line($"return await this._runner.ExecuteAsync<{method.ResultType}>({request}, {token} => new global::System.Threading.Tasks.ValueTask<{method.ResultType}>({call}), {cancellationToken}).ConfigureAwait(false);");
                break;
            case ReturnShape.ValueTaskOfT:
                writer.Line($"return await this._runner.ExecuteAsync<{method.ResultType}>({request}, {token} => {call}, {cancellationToken}).ConfigureAwait(false);");
                break;
        }

        writer.Close();
    }

    private static void WriteForwarded(CodeWriter writer, MemberModel member)
    {
        var inner = Inner(member);
        var byRef = member.RefKind.Length > 0 ? "ref " : string.Empty;
        switch (member.Kind)
        {
            case MemberKind.Method:
                var typeParameters = member.TypeParameters.Count == 0 ? string.Empty : "<" + string.Join(", ", member.TypeParameters.Select(t => t.Name)) + ">";
                var constraints = string.Concat(member.TypeParameters.Where(t => t.Constraint is not null).Select(t => $" where {t.Name} : {t.Constraint}"));
                writer.Line($"{member.RefKind}{member.Type} {member.DeclaringInterface}.{member.Name}{typeParameters}({Declare(member.Parameters)}){constraints} => {byRef}{inner}.{member.Name}{typeParameters}({Pass(member.Parameters)});");
                break;
            case MemberKind.Property:
            case MemberKind.Indexer:
                var target = member.Kind == MemberKind.Property ? $"{inner}.{member.Name}" : $"{inner}[{Pass(member.Parameters)}]";
                var name = member.Kind == MemberKind.Property ? member.Name : $"this[{Declare(member.Parameters)}]";
                writer.Open($"{member.RefKind}{member.Type} {member.DeclaringInterface}.{name}");
                if (member.HasGetter)
                {
                    writer.Line($"get => {byRef}{target};");
                }

                if (member.HasSetter)
                {
                    writer.Line($"set => {target} = value;");
                }

                writer.Close();
                break;
            case MemberKind.Event:
                writer
                    .Open($"event {member.Type} {member.DeclaringInterface}.{member.Name}")
                    .Line($"add => {inner}.{member.Name} += value;")
                    .Line($"remove => {inner}.{member.Name} -= value;")
                    .Close();
                break;
        }
    }

    // A member of a base interface is reached through that interface: a derived one may hide it. Fields are qualified
    // with this., as a parameter may be named like them.
    private static string Inner(MemberModel member) => member.IsInherited ? $"(({member.DeclaringInterface})this._inner)" : "this._inner";

    private static string Declare(IEnumerable<ParameterModel> parameters) =>
        string.Join(", ", parameters.Select(p => $"{(p.Modifier.Length > 0 ? p.Modifier + " " : string.Empty)}{(p.IsParams ? "params " : string.Empty)}{p.Type} {p.Name}"));

    // A 'ref readonly' parameter is passed with 'in'.
    private static string Pass(IEnumerable<ParameterModel> parameters) =>
        string.Join(", ", parameters.Select(p => (p.Modifier switch { "" => string.Empty, "ref readonly" => "in ", _ => p.Modifier + " " }) + p.Name));

    private static string Unique(string name, HashSet<string> taken)
    {
        while (!taken.Add(name))
        {
            name += "_";
        }

        return name;
    }

    private static string Cref(string type) => type.Replace("global::", string.Empty).Replace('<', '{').Replace('>', '}');
}
