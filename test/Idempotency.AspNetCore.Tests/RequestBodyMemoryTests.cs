using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Http;

namespace Idempotency.AspNetCore.Tests;

// Found by attack: the declared Content-Length sized the request buffer before any byte arrived, so 400 slow connections
// each declaring 1 MiB exhausted a 256 MiB heap, unauthenticated; a body of exactly the cap rented twice the cap.
// The buffer now starts small and grows as bytes arrive. The test stream reports the arrays it is asked to fill.
public sealed class RequestBodyMemoryTests
{
    private const int Limit = 64 * 1024;

    [Fact]
    public async Task DeclaredLengthWithFewBytes_BufferStaysSmall()
    {
        var body = new ObservedBody(new byte[100]);
        var context = Context(body, declaredLength: Limit);

        var (fingerprint, buffered) = await RequestFingerprint.ComputeAsync(context, Options(), CancellationToken.None);
        buffered?.Dispose();

        Assert.NotNull(fingerprint);
        Assert.InRange(body.LargestArray, 1, 4096);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task BodyOfExactlyTheCap_IsAcceptedWithoutABufferTwiceTheCap(bool declared)
    {
        var body = new ObservedBody(new byte[Limit]);
        var context = Context(body, declared ? Limit : null);

        var (fingerprint, buffered) = await RequestFingerprint.ComputeAsync(context, Options(), CancellationToken.None);

        Assert.NotNull(fingerprint);
        Assert.Equal(Limit, buffered!.Memory.Length);
        buffered.Dispose();
        Assert.InRange(body.LargestArray, Limit, Limit);
    }

    [Fact]
    public async Task UndeclaredBodyOneByteOverTheCap_IsTooLarge()
    {
        var body = new ObservedBody(new byte[Limit + 1]);

        var (fingerprint, buffered) = await RequestFingerprint.ComputeAsync(Context(body, declaredLength: null), Options(), CancellationToken.None);

        Assert.Null(fingerprint);
        Assert.Null(buffered);
        Assert.InRange(body.LargestArray, Limit, Limit);
    }

    [Fact]
    public async Task GrowingBody_BufferAtMostTwiceWhatArrived()
    {
        var body = new ObservedBody(new byte[20_000]);

        var (fingerprint, buffered) = await RequestFingerprint.ComputeAsync(Context(body, declaredLength: null), Options(), CancellationToken.None);
        buffered?.Dispose();

        Assert.NotNull(fingerprint);
        Assert.InRange(body.LargestArray, 20_000, 40_000);
    }

    private static IdempotencyMiddlewareOptions Options() => new() { MaxRequestBodySize = Limit };

    private static DefaultHttpContext Context(Stream body, long? declaredLength)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/orders";
        context.Request.ContentType = "application/octet-stream";
        context.Request.ContentLength = declaredLength;
        context.Request.Body = body;
        return context;
    }

    /// <summary>A request body that hands out its bytes and remembers the largest array a read was asked to fill.</summary>
    private sealed class ObservedBody(byte[] content) : Stream
    {
        private int _position;

        public int LargestArray { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (MemoryMarshal.TryGetArray<byte>(buffer, out var segment))
            {
                LargestArray = Math.Max(LargestArray, segment.Array!.Length);
            }

            var count = Math.Min(buffer.Length, content.Length - _position);
            content.AsSpan(_position, count).CopyTo(buffer.Span);
            _position += count;
            return ValueTask.FromResult(count);
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
