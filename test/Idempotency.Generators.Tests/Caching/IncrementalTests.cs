using Idempotency.Generators.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Idempotency.Generators.Tests.Caching;

// An edit that does not touch an [Idempotent] interface reuses every output: the generator neither rewrites nor re-adds a file.
public sealed class IncrementalTests
{
    private const string Source = """
        using System.Threading;
        using System.Threading.Tasks;
        using Idempotency.Decorators;

        namespace Shop;

        public interface IPayments
        {
            [Idempotent(Key = "orderId")]
            Task<int> ChargeAsync(string orderId, decimal amount, CancellationToken cancellationToken);
        }

        public static class Prices
        {
            public static decimal Of(string sku) => 1m;
        }
        """;

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    [Fact]
    public void NewUnrelatedFile_ReusesEveryOutput()
    {
        var compilation = GeneratorHarness.Compile(Source);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Shop; public static class Clock { public static int Hour => 12; }", ParseOptions, "Clock.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertReused(result);
    }

    [Fact]
    public void UnrelatedEditInTheInterfacesFile_ReusesEveryOutput()
    {
        var compilation = GeneratorHarness.Compile(Source);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Single();
        var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(tree.GetText().WithChanges(
            new Microsoft.CodeAnalysis.Text.TextChange(new Microsoft.CodeAnalysis.Text.TextSpan(Source.IndexOf("1m", StringComparison.Ordinal), 2), "2m"))));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        // The interface was read again (its file changed), but the model is equal: nothing downstream runs.
        Assert.Contains(result.TrackedSteps[IdempotentDecoratorGenerator.ReadStep].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Unchanged);
        AssertReused(result);
    }

    [Fact]
    public void EditOfTheAttribute_RewritesTheDecorator()
    {
        var compilation = GeneratorHarness.Compile(Source);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Single();
        var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(Source.Replace("Key = \"orderId\"", "Key = \"orderId\", Policy = \"payments\"", StringComparison.Ordinal))));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Contains(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("Policy = \"payments\"", result.GeneratedSources.Single(s => s.HintName.Contains("Decorator", StringComparison.Ordinal)).SourceText.ToString(), StringComparison.Ordinal);
    }

    private static void AssertReused(GeneratorRunResult result)
    {
        var outputs = result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"An output step ran again: {o.Reason}."));
        Assert.All(result.TrackedSteps[IdempotentDecoratorGenerator.RegistrationStep].SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"The registrations were listed again: {o.Reason}."));
        Assert.Equal(2, result.GeneratedSources.Length);
    }
}
