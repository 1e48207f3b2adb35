using System.Buffers;
using Grpc.Core;

namespace Idempotency.Grpc;

/// <summary>
/// Serializes and deserializes messages with a method's own marshaller, as gRPC does on the wire. Protobuf's generated
/// marshallers are contextual only (their plain <c>Serializer</c> is not implemented), so this supplies the contexts.
/// </summary>
internal static class MessageBytes
{
    public static byte[] Serialize<T>(Marshaller<T> marshaller, T message)
    {
        var context = new BufferSerializationContext();
        marshaller.ContextualSerializer(message, context);
        return context.ToArray();
    }

    public static T Deserialize<T>(Marshaller<T> marshaller, ReadOnlyMemory<byte> bytes) =>
        marshaller.ContextualDeserializer(new MemoryDeserializationContext(bytes));

    private sealed class BufferSerializationContext : SerializationContext
    {
        private ArrayBufferWriter<byte>? _writer;
        private byte[]? _payload;

        public override void Complete(byte[] payload) => _payload = payload;

        public override IBufferWriter<byte> GetBufferWriter() => _writer ??= new ArrayBufferWriter<byte>();

        public override void SetPayloadLength(int payloadLength) => _writer ??= new ArrayBufferWriter<byte>(Math.Max(1, payloadLength));

        public override void Complete()
        {
        }

        public byte[] ToArray() => _payload ?? _writer?.WrittenSpan.ToArray() ?? [];
    }

    private sealed class MemoryDeserializationContext(ReadOnlyMemory<byte> payload) : DeserializationContext
    {
        public override int PayloadLength => payload.Length;

        public override byte[] PayloadAsNewBuffer() => payload.ToArray();

        public override ReadOnlySequence<byte> PayloadAsReadOnlySequence() => new(payload);
    }
}
