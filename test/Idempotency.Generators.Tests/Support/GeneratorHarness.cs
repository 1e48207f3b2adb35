using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Idempotency.Generators.Tests.Support;

/// <summary>
/// Compiles a source text against this process's assemblies (the engine, DI, and JMESPath unless left out), runs the
/// generator on it, and returns what it generated and reported, and what the compiler says of the result.
/// </summary>
internal static class GeneratorHarness
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<ImmutableArray<MetadataReference>> AllReferences = new(() =>
        [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => path.Length > 0)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))]);

    public static CSharpCompilation Compile(string source, bool withJmesPath = true, string path = "Source.cs")
    {
        var references = withJmesPath
            ? AllReferences.Value
            : [.. AllReferences.Value.Where(r => !Path.GetFileName(r.Display ?? string.Empty).StartsWith("Idempotency.JmesPath", StringComparison.Ordinal))];
        return CSharpCompilation.Create(
            "Consumer",
            [CSharpSyntaxTree.ParseText(source, ParseOptions, path)],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            [new IdempotentDecoratorGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorRun Run(string source, bool withJmesPath = true)
    {
        var compilation = Compile(source, withJmesPath);
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var result = driver.GetRunResult().Results.Single();
        return new GeneratorRun(
            compilation.SyntaxTrees.Single().GetText().ToString(),
            result.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString()),
            generatorDiagnostics,
            output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && !d.Id.StartsWith("IDEM", StringComparison.Ordinal)).ToImmutableArray());
    }
}

/// <param name="Source">The source the generator ran on.</param>
/// <param name="Sources">The generated files by hint name.</param>
/// <param name="Diagnostics">What the generator reported.</param>
/// <param name="CompilerDiagnostics">The compiler's warnings and errors on the source and the generated files together.</param>
internal sealed record GeneratorRun(string Source, IReadOnlyDictionary<string, string> Sources, ImmutableArray<Diagnostic> Diagnostics, ImmutableArray<Diagnostic> CompilerDiagnostics);
