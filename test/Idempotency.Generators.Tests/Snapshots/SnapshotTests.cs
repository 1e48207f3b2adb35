using Idempotency.Generators.Tests.Support;

namespace Idempotency.Generators.Tests.Snapshots;

// What the generator writes, for each return shape and option. Each generated file compiles with no warning.
public sealed class SnapshotTests
{
    [Fact]
    public void ReturnShapes_EachShape_RunsThroughTheRunner()
    {
        Verify(nameof(ReturnShapes_EachShape_RunsThroughTheRunner), """
            using System.Threading;
            using System.Threading.Tasks;
            using Idempotency.Decorators;

            namespace Shop;

            public sealed record Receipt(string OrderId, decimal Amount);

            public interface IPayments
            {
                [Idempotent(Key = "orderId")]
                Task<Receipt> ChargeAsync(string orderId, decimal amount, CancellationToken cancellationToken);

                [Idempotent(Key = "orderId")]
                Task RefundAsync(string orderId, CancellationToken cancellationToken);

                [Idempotent(Key = "orderId")]
                ValueTask<Receipt?> FindAsync(string orderId);

                [Idempotent(Key = "orderId")]
                ValueTask CancelAsync(string orderId, CancellationToken cancellationToken);

                [Idempotent(Key = "orderId")]
                Receipt Charge(string orderId, decimal amount);

                [Idempotent(Key = "orderId")]
                void Void(string orderId);
            }
            """);
    }

    [Fact]
    public void KeySources_ParameterPathAttributeAndJmesPath_AreRead()
    {
        Verify(nameof(KeySources_ParameterPathAttributeAndJmesPath_AreRead), """
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using Idempotency;
            using Idempotency.Decorators;

            namespace Shop;

            public enum Region { North, South }
            public sealed record Customer(string Id, Region Region);
            public sealed record Order(Guid Id, Customer? Customer, int? Revision);

            public interface IOrders
            {
                [Idempotent(Key = "order.Customer.Id", Policy = "orders", Operation = "orders.place")]
                Task<int> PlaceAsync(Order order, CancellationToken cancellationToken);

                [Idempotent(Key = "order.Id")]
                Task<int> ConfirmAsync(Order order);

                [Idempotent(Key = "order.Revision", KeyRequirement = KeyRequirement.Optional)]
                Task<int> ReviseAsync(Order order);

                [Idempotent]
                Task<int> ShipAsync([IdempotencyKey] Guid shipment, Region region);

                [Idempotent(Key = "[order.customer.id, note]")]
                Task<int> AnnotateAsync(Order order, [ExcludeFromFingerprint] string note);
            }
            """);
    }

    [Fact]
    public void Fingerprint_MarkedExcludedAndCollidingNames_AreWritten()
    {
        Verify(nameof(Fingerprint_MarkedExcludedAndCollidingNames_AreWritten), """
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using Idempotency.Decorators;

            namespace Shop;

            public interface IEvents
            {
                [Idempotent(Key = "event")]
                Task<string> HandleAsync(string @event, [IdempotencyFingerprint] int amount, DateTimeOffset receivedAt, CancellationToken ct);

                [Idempotent(Key = "request")]
                Task<string> ReplyAsync(string request, int arguments, [ExcludeFromFingerprint] DateTimeOffset receivedAt, [ExcludeFromFingerprint] Func<int> callback);

                [Idempotent(Key = "key")]
                Task<string> OnlyKeyAsync(string key, [ExcludeFromFingerprint] long sequence);
            }
            """);
    }

    [Fact]
    public void ForwardedMembers_AndBaseInterfaces_CallTheInnerService()
    {
        Verify(nameof(ForwardedMembers_AndBaseInterfaces_CallTheInnerService), """
            using System;
            using System.Threading.Tasks;
            using Idempotency.Decorators;

            namespace Shop
            {
                public interface IAudited
                {
                    [Idempotent(Key = "id")]
                    Task AuditAsync(string id);

                    string Name { get; }
                }

                public interface IStock : IAudited
                {
                    [Idempotent(Key = "sku", Operation = "stock.reserve")]
                    Task<int> ReserveAsync(string sku, int quantity);

                    int Count(string sku);
                    T? Find<T>(string sku);
                    bool TryGet(string sku, out int quantity);
                    void Adjust(ref int quantity, in decimal factor, params string[] reasons);
                    ref int Slot(int index);
                    int Limit { get; set; }
                    string this[int index] { get; }
                    event EventHandler? Changed;
                }

                public static class Catalog
                {
                    public interface IPrices
                    {
                        [Idempotent(Key = "sku")]
                        decimal Price(string sku);
                    }
                }
            }
            """);
    }

    [Fact]
    public void Edges_GlobalNamespaceParamsDefaultsAndInterfacePaths_Compile()
    {
        Verify(nameof(Edges_GlobalNamespaceParamsDefaultsAndInterfacePaths_Compile), """
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using Idempotency.Decorators;

            public interface IHasTenant { string? Tenant { get; } }
            public sealed class Envelope : IHasTenant { public string? Tenant { get; init; } public long Sequence; }

            public interface INotifier
            {
                [Idempotent(Key = "envelope.Tenant")]
                Task<IReadOnlyList<string>> NotifyAsync(IHasTenant envelope, int retries = 3, CancellationToken cancellationToken = default, params string[] channels);

                [Idempotent(Key = "envelope.Sequence")]
                Task<long?> SequenceAsync(Envelope? envelope);

                [Idempotent(Key = "key", KeyRequirement = Idempotency.KeyRequirement.Required)]
                int Count(string? key, CancellationToken first, CancellationToken second);
            }
            """);
    }

    private static void Verify(string name, string source)
    {
        var run = GeneratorHarness.Run(source);
        Assert.Empty(run.Diagnostics);
        Assert.True(run.CompilerDiagnostics.IsEmpty, string.Join("\n", run.CompilerDiagnostics));
        Snapshot.Verify(name, run.Sources);
    }
}
