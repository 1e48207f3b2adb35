using System.Text;
using CsCheck;

namespace Idempotency.PropertyTests;

/// <summary>The engine's payload envelope (revision, kind, flags, optional Brotli) and the stored failure inside it.</summary>
public sealed class PayloadProperties
{
    private const int MaxBody = 64 * 1024;

    private static readonly Gen<byte[]> Body = Gen.Frequency(
        (1, Gen.Byte.Array[0, 3000]),
        (2, Gen.Select(Gen.Char['a', 'f'].Array[1, 8], Gen.Int[0, 1000], static (word, times) => Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(new string(word), times))))));

    private static readonly Gen<PayloadKind> Kind = Gen.OneOf(PayloadKind.Value, PayloadKind.Void, PayloadKind.Raw, PayloadKind.Error, PayloadKind.NotStored);

    [Fact]
    public void Decode_WhatEncodeWrote_GivesKindAndBodyBack() =>
        Gen.Select(Kind, Body, Gen.OneOf(0, 1, 64, 4096)).Check(static sample =>
        {
            var (kind, body, threshold) = sample;
            var (decodedKind, decodedBody) = Payload.Decode("key", Payload.Encode(kind, body, threshold), MaxBody);
            Assert.Equal(kind, decodedKind);
            Assert.Equal(body, decodedBody.ToArray());
        });

    [Fact]
    public void Decode_AnyBytes_ThrowsOnlyCorruptAndAllocatesAtMostTheLimit() =>
        Gen.Frequency(
            (1, Gen.Byte.Array[0, 100]),
            (1, Gen.Select(Gen.Byte[0, 6], Gen.Byte[0, 2], Gen.Int, Gen.Byte.Array[0, 100], static (kind, flags, length, rest) =>
                (byte[])[1, kind, flags, .. BitConverter.GetBytes(length), .. rest])),
            (2, Gen.Select(Kind, Body, Gen.Int, static (kind, body, seed) => Damage(Payload.Encode(kind, body, 1), new Random(seed)))))
        .Check(static bytes =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                var (_, body) = Payload.Decode("key", bytes, MaxBody);
                Assert.InRange(body.Length, 0, MaxBody);
            }
            catch (IdempotencyRecordCorruptException)
            {
            }

            // A record's claimed length is checked before anything is allocated for it.
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < MaxBody + (256 * 1024));
        });

    [Fact]
    public void StoredFailure_WhatSerializeWrote_GivesTypeAndMessageBack() =>
        JsonGen.Text(40).Check(static message =>
        {
            var failure = StoredFailure.Deserialize("key", StoredFailure.Serialize(new InvalidOperationException(message)));
            Assert.Equal(typeof(InvalidOperationException).FullName, failure.Type);
            Assert.Equal(message, failure.Message);
        });

    [Fact]
    public void StoredFailure_AnyBytes_ThrowsOnlyCorruptOrGivesATypeAndAMessage() =>
        Gen.Frequency(
            (3, JsonGen.Hostile),
            (2, Gen.Select(JsonGen.Scalar, JsonGen.Scalar, Gen.Bool, Gen.Bool, Gen.Int, static (type, message, hasType, hasMessage, seed) =>
                Encoding.UTF8.GetBytes(new JsonObject([.. Property(hasType, "Type", type), .. Property(hasMessage, "Message", message)]).Render(new Random(seed))))))
        .Check(static bytes =>
        {
            StoredFailure failure;
            try
            {
                failure = StoredFailure.Deserialize("key", bytes);
            }
            catch (IdempotencyRecordCorruptException)
            {
                return;
            }

            // Both end up in IdempotencyPreviouslyFailedException, whose properties are not nullable.
            Assert.NotNull(failure.Type);
            Assert.NotNull(failure.Message);
        });

    private static (string, JsonModel)[] Property(bool present, string name, JsonModel value) => present ? [(name, value)] : [];

    private static byte[] Damage(byte[] bytes, Random random)
    {
        bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
        return random.Next(2) == 0 ? bytes : bytes[..random.Next(bytes.Length)];
    }
}
