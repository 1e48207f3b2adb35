using System.Buffers;
using System.Text;

namespace Idempotency.Tests.Serialization;

// SPEC §3.11: results go through a serializer contract; System.Text.Json by default, honouring a JsonSerializerContext.
public sealed class SerializerTests
{
    private static readonly Invoice Sample = new("INV-1", 99.90m, [new InvoiceLine("sku-1", 2), new InvoiceLine("sku-2", 0)]);

    [Fact]
    public async Task ExecuteAsync_JsonSerializerContext_StoresWithItAndReplays()
    {
        using var harness = new EngineHarness(o => o.JsonSerializerOptions = TestJsonContext.Default.Options);
        var runs = 0;
        var request = new IdempotencyRequest("invoices", "k1");

        await harness.RunAsync(request, () =>
        {
            Interlocked.Increment(ref runs);
            return Sample;
        });
        var replay = await harness.RunAsync(request, () =>
        {
            Interlocked.Increment(ref runs);
            return Sample;
        });

        Assert.Equal(1, runs);
        Assert.True(replay.IsReplayed);
        Assert.Equal(Sample.Number, replay.Value.Number);
        Assert.Equal(Sample.Total, replay.Value.Total);
        Assert.Equal(Sample.Lines, replay.Value.Lines);
        // The context's snake_case naming shows the context, not reflection, wrote the payload.
        var record = await harness.ReadAsync("invoices", "k1");
        Assert.Contains("\"number\":\"INV-1\"", Encoding.UTF8.GetString(record!.Payload.Span[3..]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_TypeMissingFromContext_ThrowsBeforeRunningTheOperation()
    {
        using var harness = new EngineHarness(o => o.JsonSerializerOptions = TestJsonContext.Default.Options);
        var runs = 0;

        await Assert.ThrowsAnyAsync<Exception>(() => harness.RunAsync(new IdempotencyRequest("invoices", "k1"), () =>
        {
            Interlocked.Increment(ref runs);
            return new NotInContext(1);
        }).AsTask());

        Assert.Equal(0, runs);
        Assert.Null(await harness.ReadAsync("invoices", "k1"));
    }

    [Fact]
    public async Task ExecuteAsync_CustomSerializer_IsUsedForStoreAndReplay()
    {
        var serializer = new PrefixingSerializer();
        var store = new InMemoryIdempotencyStore();
        var executor = IdempotencyExecutor.Create(store: store, serializer: serializer);
        var request = new IdempotencyRequest("custom", "k1");

        await executor.ExecuteAsync(request, _ => ValueTask.FromResult("value"), CancellationToken.None);
        var replay = await executor.ExecuteAsync(request, _ => ValueTask.FromResult("other"), CancellationToken.None);

        Assert.Equal("value", replay.Value);
        Assert.Equal(1, serializer.Serialized);
        Assert.Equal(1, serializer.Deserialized);
    }

    [Fact]
    public async Task ExecuteAsync_DefaultSerializer_UsesWebDefaults()
    {
        using var harness = new EngineHarness();

        await harness.RunAsync(new IdempotencyRequest("invoices", "k1"), () => Sample);

        var record = await harness.ReadAsync("invoices", "k1");
        Assert.StartsWith("{\"number\":\"INV-1\",\"total\":99.90", Encoding.UTF8.GetString(record!.Payload.Span[3..]), StringComparison.Ordinal);
    }

    private sealed class PrefixingSerializer : IIdempotencySerializer
    {
        public int Serialized;
        public int Deserialized;

        public void Serialize<T>(IBufferWriter<byte> destination, T value)
        {
            Interlocked.Increment(ref Serialized);
            destination.Write(Encoding.UTF8.GetBytes("custom:" + value));
        }

        public T Deserialize<T>(ReadOnlySpan<byte> source)
        {
            Interlocked.Increment(ref Deserialized);
            var text = Encoding.UTF8.GetString(source);
            Assert.StartsWith("custom:", text, StringComparison.Ordinal);
            return (T)(object)text["custom:".Length..];
        }
    }
}
