using System.IO.Compression;
using CsCheck;
using Idempotency.AspNetCore;

namespace Idempotency.PropertyTests;

/// <summary>
/// Decoding a stored compressed body (gzip, deflate, br) for a retry that does not accept the coding: whole bodies come
/// back exactly, damaged or truncated ones are refused, and a decompression bomb stops at the size limit.
/// </summary>
public sealed class ContentDecoderProperties
{
    private static readonly string[] Codings = ["gzip", "deflate", "br"];

    // Random bytes, or text with repeats (compressible, as responses are).
    private static readonly Gen<byte[]> Body = Gen.Frequency(
        (1, Gen.Byte.Array[0, 2000]),
        (2, Gen.Select(Gen.Char['a', 'f'].Array[1, 8], Gen.Int[0, 500], static (word, times) =>
            System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(new string(word), times))))));

    [Fact]
    public void TryDecode_WholeBody_GivesItBack() =>
        Gen.Select(Body, Gen.OneOf(Codings)).Check(static sample =>
        {
            var (body, coding) = sample;
            var compressed = Compress(coding, body);
            if (compressed.Length == 0)
            {
                return; // GZipStream and ZLibStream write nothing at all, not even a header, for an empty body
            }

            Assert.True(ContentDecoder.TryDecode(coding, compressed, body.Length, out var decoded));
            Assert.Equal(body, decoded);
        });

    [Fact]
    public void TryDecode_TruncatedBody_IsRefused() =>
        Gen.Select(Body, Gen.OneOf(Codings), Gen.Int).Check(static sample =>
        {
            var (body, coding, seed) = sample;
            var compressed = Compress(coding, body);
            var cut = compressed[..new Random(seed).Next(compressed.Length)];
            Assert.False(ContentDecoder.TryDecode(coding, cut, int.MaxValue, out _), $"{coding}: {cut.Length} of {compressed.Length} bytes accepted");
        });

    [Fact]
    public void TryDecode_AnyBytes_NeverThrowsAndStaysUnderTheLimit() =>
        Gen.Select(
            Gen.Frequency((1, Gen.Byte.Array[0, 200]), (2, Gen.Select(Body, Gen.OneOf(Codings), Gen.Int, static (body, coding, seed) => Flip(Compress(coding, body), new Random(seed))))),
            Gen.OneOf([.. Codings, "identity", "GZIP", "compress"]),
            Gen.Int[0, 3000])
        .Check(static sample =>
        {
            var (bytes, coding, limit) = sample;
            if (ContentDecoder.TryDecode(coding, bytes, limit, out var decoded))
            {
                Assert.InRange(decoded.Length, 0, limit);
            }
        });

    [Fact]
    public void TryDecode_DecompressionBomb_StopsAtTheLimitInBoundedMemory() =>
        Gen.Select(Gen.OneOf(Codings), Gen.Int[1, 64 * 1024]).Check(static sample =>
        {
            var (coding, limit) = sample;
            var bomb = Bombs[coding];
            var before = GC.GetAllocatedBytesForCurrentThread();
            Assert.False(ContentDecoder.TryDecode(coding, bomb, limit, out _));
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            // 16 MiB of zeros; the decoder may hold the limit plus a few chunks of 16 KiB and its own state, never the whole.
            Assert.True(allocated < (4 * limit) + (1024 * 1024), $"{coding}: {allocated} bytes allocated for a limit of {limit}");
        }, suite: 100);

    private static readonly Dictionary<string, byte[]> Bombs = Codings.ToDictionary(static coding => coding, static coding => Compress(coding, new byte[16 * 1024 * 1024]));

    private static byte[] Compress(string coding, byte[] body)
    {
        using var output = new MemoryStream();
        using (Stream encoder = coding switch
        {
            "gzip" => new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true),
            "deflate" => new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true),
            _ => new BrotliStream(output, CompressionLevel.Fastest, leaveOpen: true),
        })
        {
            encoder.Write(body);
        }

        return output.ToArray();
    }

    private static byte[] Flip(byte[] bytes, Random random)
    {
        if (bytes.Length > 0)
        {
            bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
        }

        return bytes;
    }
}
