using Idempotency.Generators.Tests.Support;
using Microsoft.CodeAnalysis;

namespace Idempotency.Generators.Tests.Diagnostics;

// Odd but legal user code (found by the attack on issue 12): either a stable diagnostic, or generated code that compiles.
public sealed class HostileSourceTests
{
    private const string Usings = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Idempotency.Decorators;

        """;

    [Fact]
    public void FileLocalInterface_IDEM015InsteadOfGeneratedCodeThatCannotNameIt()
    {
        var run = Run("""
            namespace Shop;

            file interface IPayments
            {
                [Idempotent(Key = "id")]
                Task PayAsync(string id);
            }
            """);

        AssertOnly(run, "IDEM015", "Interface 'IPayments' cannot get a decorator: it is file-local, so the decorator's file cannot name it (make it internal or public)");
    }

    [Fact]
    public void InitOnlyProperty_IDEM015InsteadOfAnAccessorThatCannotBeForwarded()
    {
        var run = Run("""
            public interface IPayments
            {
                [Idempotent(Key = "id")]
                Task PayAsync(string id);

                string Region { get; init; }
            }
            """);

        AssertOnly(run, "IDEM015", "Interface 'IPayments' cannot get a decorator: its property 'Region' has an init accessor, which a decorator cannot forward to the inner service");
    }

    [Fact]
    public void TypeNamedLikeTheDecorator_IDEM015InsteadOfADuplicateDefinition()
    {
        var run = Run("""
            namespace Shop;

            public interface IPayments
            {
                [Idempotent(Key = "id")]
                Task PayAsync(string id);
            }

            public sealed class PaymentsIdempotencyDecorator
            {
            }
            """);

        AssertOnly(run, "IDEM015", "Interface 'IPayments' cannot get a decorator: its decorator's name 'Shop.PaymentsIdempotencyDecorator' is taken by another type (rename that type)");
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void BlankKey_IDEM003InsteadOfAJmesPathThatFailsEveryCall(string key)
    {
        var run = Run($$"""
            public interface IPayments
            {
                [Idempotent(Key = "{{key}}")]
                Task PayAsync(string id);
            }
            """);

        AssertOnly(run, "IDEM003", "'IPayments.PayAsync(string)' has no idempotency key: set Key (a parameter, a parameter's member path such as \"order.Id\", or a JMESPath expression over the arguments) or mark a parameter [IdempotencyKey]");
    }

    [Fact]
    public void SameInterfaceNameInTwoNamespaces_IDEM017ForTheSharedDefaultOperation()
    {
        var run = Run("""
            namespace Billing
            {
                public interface IPayments
                {
                    [Idempotent(Key = "id")]
                    Task<int> PayAsync(string id);
                }
            }

            namespace Refunds
            {
                public interface IPayments
                {
                    [Idempotent(Key = "id")]
                    Task<int> PayAsync(string id);
                }
            }
            """);

        AssertOnly(run, "IDEM017", "'Refunds.IPayments.PayAsync(string)' stores its records under operation \"IPayments.PayAsync\", like 'Billing.IPayments.PayAsync(string)': a key used with both is one record, so the second call replays the first one's result (when the arguments are equal) or is refused as reused. Set Operation on one of them.", DiagnosticSeverity.Warning);
        Assert.Equal(2, run.Sources.Count(s => s.Key.Contains("Decorator", StringComparison.Ordinal))); // a warning: both still compile
    }

    [Fact]
    public void OperationOfAnInheritedMethod_IDEM017OnTheInterfaceThatRepeatsIt()
    {
        var run = Run("""
            public interface IPayments
            {
                [Idempotent(Key = "id", Operation = "pay")]
                Task<int> PayAsync(string id);
            }

            public interface IShop : IPayments
            {
                [Idempotent(Key = "id", Operation = "pay")]
                Task<int> BuyAsync(string id);
            }
            """);

        AssertOnly(run, "IDEM017", "'IShop.BuyAsync(string)' stores its records under operation \"pay\", like 'IPayments.PayAsync(string)': a key used with both is one record, so the second call replays the first one's result (when the arguments are equal) or is refused as reused. Set Operation on one of them.", DiagnosticSeverity.Warning);
    }

    [Fact]
    public void InheritedMethodInTwoDerivedInterfaces_NoSharedOperation()
    {
        var run = Run("""
            public interface IPayments
            {
                [Idempotent(Key = "id")]
                Task<int> PayAsync(string id);
            }

            public interface IShop : IPayments
            {
                [Idempotent(Key = "id")]
                Task<int> BuyAsync(string id);
            }

            public interface IKiosk : IPayments
            {
                [Idempotent(Key = "id")]
                Task<int> RentAsync(string id);
            }
            """);

        Assert.Empty(run.Diagnostics);
        Assert.Empty(run.CompilerDiagnostics);
    }

    [Fact]
    public void ForwardedGenericMethodsWithConstraints_Compile()
    {
        var run = Run("""
            public interface IPayments
            {
                [Idempotent(Key = "id")]
                Task<int> PayAsync(string id);

                U? Find<U>() where U : class;
                U? FindMaybe<U>() where U : class?;
                T? Read<T>(T? value) where T : struct;
                T Echo<T>(T value) where T : notnull;
                T? Any<T>(T value);
            }
            """);

        Assert.Empty(run.Diagnostics);
        Assert.Empty(run.CompilerDiagnostics);
    }

    [Fact]
    public void ParametersNamedLikeTheDecoratorsMembers_Compile()
    {
        var run = Run("""
            public interface IPayments
            {
                [Idempotent(Key = "[inner, runner]")]
                Task<int> PayAsync(string inner, string runner, string _keySelector0, string _inner, string _runner, string arguments, string request, string ct, CancellationToken cancellationToken);

                [Idempotent(Key = "id")]
                Task<int> RefundAsync(int id, [ExcludeFromFingerprint] Func<int, string?> KeyText);
            }
            """);

        Assert.Empty(run.Diagnostics);
        Assert.Empty(run.CompilerDiagnostics);
    }

    private static GeneratorRun Run(string source) => GeneratorHarness.Run(Usings + source);

    private static void AssertOnly(GeneratorRun run, string id, string message, DiagnosticSeverity severity = DiagnosticSeverity.Error)
    {
        var diagnostic = Assert.Single(run.Diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(severity, diagnostic.Severity);
        Assert.Equal(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("Source.cs", diagnostic.Location.GetLineSpan().Path);
        Assert.Empty(run.CompilerDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
    }
}
