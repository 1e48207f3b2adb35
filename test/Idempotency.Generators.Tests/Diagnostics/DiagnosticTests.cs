using Idempotency.Generators.Tests.Support;
using Microsoft.CodeAnalysis;

namespace Idempotency.Generators.Tests.Diagnostics;

// One test per diagnostic: its id, severity, exact message, and the source text it points at.
public sealed class DiagnosticTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Threading;
        using System.Threading.Tasks;
        using Idempotency.Decorators;

        """;

    [Fact]
    public void IDEM001_AttributeOnAClassMethod()
    {
        var run = Run("""
            public class Payments
            {
                [Idempotent(Key = "id")]
                public Task PayAsync(string id) => Task.CompletedTask;
            }
            """);

        AssertSingle(run, "IDEM001", "Idempotent(Key = \"id\")", "[Idempotent] on 'Payments.PayAsync(string)' has no effect: only methods of interfaces get a decorator. Put the attribute on the interface method this class implements.");
    }

    [Fact]
    public void IDEM002_AttributeOnAType()
    {
        var run = Run("""
            [Idempotent]
            public interface IPayments
            {
                Task PayAsync(string id);
            }
            """);

        AssertSingle(run, "IDEM002", "Idempotent", "[Idempotent] on type 'IPayments' has no effect: mark each interface method that must run once per key");
    }

    [Fact]
    public void IDEM003_NoKey()
    {
        var run = Run("""
            public interface IPayments
            {
                [Idempotent]
                Task PayAsync(string id);
            }
            """);

        AssertSingle(run, "IDEM003", "PayAsync", "'IPayments.PayAsync(string)' has no idempotency key: set Key (a parameter, a parameter's member path such as \"order.Id\", or a JMESPath expression over the arguments) or mark a parameter [IdempotencyKey]");
    }

    [Fact]
    public void IDEM004_KeyNamesAMissingParameter()
    {
        var run = Run("""
            public interface IPayments
            {
                [Idempotent(Key = "Id")]
                Task PayAsync(string id);
            }
            """);

        AssertSingle(run, "IDEM004", "\"Id\"", "Key \"Id\" of 'IPayments.PayAsync(string)' names no parameter (did you mean 'id'?)");
    }

    [Fact]
    public void IDEM005_KeyNamesAMissingMember()
    {
        var run = Run("""
            public sealed record Order(string Id);

            public interface IPayments
            {
                [Idempotent(Key = "order.id")]
                Task PayAsync(Order order);
            }
            """);

        AssertSingle(run, "IDEM005", "\"order.id\"", "Key \"order.id\" of 'IPayments.PayAsync(Order)': 'Order' has no readable instance property or field 'id' (did you mean 'Id'?)");
    }

    [Fact]
    public void IDEM006_SeveralKeys()
    {
        var run = Run("""
            public interface IPayments
            {
                [Idempotent(Key = "id")]
                Task PayAsync([IdempotencyKey] string id);
            }
            """);

        AssertSingle(run, "IDEM006", "\"id\"", "'IPayments.PayAsync(string)' has more than one key (Key = \"id\", [IdempotencyKey] id): keep one");
    }

    [Fact]
    public void IDEM007_UnsupportedReturnType()
    {
        var run = Run("""
            public interface IPayments
            {
                [Idempotent(Key = "id")]
                IAsyncEnumerable<int> ListAsync(string id);
            }
            """);

        AssertSingle(run, "IDEM007", "ListAsync", "'IPayments.ListAsync(string)' returns an async stream ('System.Collections.Generic.IAsyncEnumerable<int>'), which cannot be run once and replayed: return Task, Task<T>, ValueTask, ValueTask<T>, a value, or void");
    }

    [Fact]
    public void IDEM008_ParameterByReference()
    {
        var run = Run("""
            public interface IPayments
            {
                [Idempotent(Key = "id")]
                bool TryPay(string id, out decimal charged);
            }
            """);

        AssertSingle(run, "IDEM008", "charged", "Parameter 'charged' of 'IPayments.TryPay(string, out decimal)' is passed by reference ('out'): the decorator runs the method in a callback, which cannot capture it. Pass it by value.");
    }

    [Fact]
    public void IDEM009_GenericMethod()
    {
        var run = Run("""
            public interface IPayments
            {
                [Idempotent(Key = "id")]
                Task<T> PayAsync<T>(string id);
            }
            """);

        AssertSingle(run, "IDEM009", "PayAsync", "'IPayments.PayAsync<T>(string)' is generic: its replayed result type would be chosen by each caller. Give each result type a method of its own.");
    }

    [Fact]
    public void IDEM010_ResultTheSerializerCannotReadBack()
    {
        var run = Run("""
            public interface IReceipt { string Id { get; } }

            public interface IPayments
            {
                [Idempotent(Key = "id")]
                Task<IReceipt> PayAsync(string id);
            }
            """);

        AssertSingle(run, "IDEM010", "PayAsync", "The result of 'IPayments.PayAsync(string)' is an interface ('IReceipt'), which the serializer cannot write or read back for a replay");
    }

    [Fact]
    public void IDEM011_KeyWithoutText()
    {
        var run = Run("""
            public sealed record Order(string Id);

            public interface IPayments
            {
                [Idempotent(Key = "order")]
                Task PayAsync(Order order);
            }
            """);

        AssertSingle(run, "IDEM011", "\"order\"", "The key of 'IPayments.PayAsync(Order)' has type 'Order', which has no invariant text form: use a string, a number, a Guid, an enum (any IFormattable), or a member path to one (Key = \"order.Id\")");
    }

    [Fact]
    public void IDEM012_JmesPathWithoutThePackage()
    {
        var run = GeneratorHarness.Run(Usings + """
            public interface IPayments
            {
                [Idempotent(Key = "[customer, id]")]
                Task PayAsync(string customer, string id);
            }
            """, withJmesPath: false);

        AssertSingle(run, "IDEM012", "\"[customer, id]\"", "Key \"[customer, id]\" of 'IPayments.PayAsync(string, string)' is not a parameter or member path, so it is read as JMESPath, which needs a reference to Idempotency.JmesPath");
    }

    [Fact]
    public void IDEM013_FingerprintMarksOfBothKinds()
    {
        var run = Run("""
            public interface IPayments
            {
                [Idempotent(Key = "id")]
                Task PayAsync(string id, [IdempotencyFingerprint] decimal amount, [ExcludeFromFingerprint] DateTimeOffset at);
            }
            """);

        AssertSingle(run, "IDEM013", "at", "'IPayments.PayAsync(string, decimal, DateTimeOffset)' marks parameters both [IdempotencyFingerprint] (only these count) and [ExcludeFromFingerprint] (all but these count): use one of the two");
    }

    [Fact]
    public void IDEM014_InvalidOperation()
    {
        var run = Run("""
            public interface IPayments
            {
                [Idempotent(Key = "id", Operation = "payments:charge")]
                Task PayAsync(string id);
            }
            """);

        AssertSingle(run, "IDEM014", "\"payments:charge\"", "Operation of 'IPayments.PayAsync(string)' is \"payments:charge\": operations are 1-100 of letters, digits, '.', '_', '-' or '/'");
    }

    [Fact]
    public void IDEM015_GenericInterface()
    {
        var run = Run("""
            public interface IRepository<T>
            {
                [Idempotent(Key = "id")]
                Task SaveAsync(string id, T item);
            }
            """);

        AssertSingle(run, "IDEM015", "IRepository", "Interface 'IRepository<T>' cannot get a decorator: it is generic (give each type argument an interface of its own)");
    }

    [Fact]
    public void IDEM016_ArgumentTheFingerprintCannotSerialize()
    {
        var run = Run("""
            public interface IPayments
            {
                [Idempotent(Key = "id")]
                Task PayAsync(string id, Stream receipt);
            }
            """);

        AssertSingle(run, "IDEM016", "receipt", "Parameter 'receipt' of 'IPayments.PayAsync(string, Stream)' is a stream ('System.IO.Stream'), which the serializer cannot write into the fingerprint: mark it [ExcludeFromFingerprint]");
    }

    [Fact]
    public void IDEM017_SharedOperation()
    {
        var run = Run("""
            public interface IPayments
            {
                [Idempotent(Key = "id")]
                Task PayAsync(string id);

                [Idempotent(Key = "id")]
                Task PayAsync(string id, decimal amount);
            }
            """);

        AssertSingle(run, "IDEM017", "PayAsync", "'IPayments.PayAsync(string, decimal)' stores its records under operation \"IPayments.PayAsync\", like 'IPayments.PayAsync(string)': a key used with both is one record, so the second call replays the first one's result (when the arguments are equal) or is refused as reused. Set Operation on one of them.", DiagnosticSeverity.Warning);
        var secondOverload = Array.FindIndex(run.Source.Split('\n'), line => line.Contains("decimal amount", StringComparison.Ordinal));
        Assert.Equal(secondOverload, run.Diagnostics[0].Location.GetLineSpan().StartLinePosition.Line);
    }

    [Fact]
    public void IDEM018_ParameterAttributeWithoutIdempotent()
    {
        var run = Run("""
            public interface IPayments
            {
                Task PayAsync([IdempotencyKey] string id);
            }
            """);

        AssertSingle(run, "IDEM018", "IdempotencyKey", "[IdempotencyKey] on parameter 'id' has no effect: 'IPayments.PayAsync(string)' is not an [Idempotent] interface method", DiagnosticSeverity.Warning);
    }

    [Fact]
    public void IDEM019_HttpAttributeOnAnInterfaceMethod()
    {
        var run = Run("""
            namespace Idempotency.AspNetCore
            {
                [AttributeUsage(AttributeTargets.Method)]
                public sealed class IdempotentAttribute : Attribute { }
            }

            public interface IPayments
            {
                [Idempotency.AspNetCore.Idempotent]
                Task PayAsync(string id);
            }
            """);

        AssertSingle(run, "IDEM019", "Idempotency.AspNetCore.Idempotent", "Idempotency.AspNetCore.IdempotentAttribute on 'IPayments.PayAsync(string)' has no effect on an interface method: for a generated decorator use Idempotency.Decorators.IdempotentAttribute", DiagnosticSeverity.Warning);
    }

    [Fact]
    public void IDEM020_ValueTupleResult()
    {
        var run = Run("""
            public interface IPayments
            {
                [Idempotent(Key = "id")]
                Task<(string Id, decimal Amount)> PayAsync(string id);
            }
            """);

        AssertSingle(run, "IDEM020", "PayAsync", "The result of 'IPayments.PayAsync(string)' is a value tuple ('(string Id, decimal Amount)'): System.Text.Json writes its elements only with IncludeFields = true, so a replay would return default values. Return a record.", DiagnosticSeverity.Warning);
        Assert.NotEmpty(run.Sources);   // a warning: the decorator is still written
    }

    [Fact]
    public void ErrorInAMethod_WritesNoDecoratorForItsInterface()
    {
        var run = Run("""
            public interface IPayments
            {
                [Idempotent]
                Task PayAsync(string id);

                [Idempotent(Key = "id")]
                Task RefundAsync(string id);
            }
            """);

        Assert.Equal("IDEM003", Assert.Single(run.Diagnostics).Id);
        Assert.Empty(run.Sources);
    }

    private static GeneratorRun Run(string source) => GeneratorHarness.Run(Usings + source);

    private static void AssertSingle(GeneratorRun run, string id, string locatedText, string message, DiagnosticSeverity severity = DiagnosticSeverity.Error)
    {
        var diagnostic = Assert.Single(run.Diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(severity, diagnostic.Severity);
        Assert.Equal(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        // Generator diagnostics carry the file and span, not the syntax tree (which would defeat caching).
        Assert.Equal("Source.cs", diagnostic.Location.GetLineSpan().Path);
        Assert.Equal(locatedText, run.Source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
    }
}
