namespace Idempotency.AspNetCore;

/// <summary>
/// The memory a transactional endpoint's response body waits in until its commit, up to a cap (the middleware's
/// <see cref="IdempotencyMiddlewareOptions.MaxResponseBodySize"/>). Past the cap it drops what it holds and every later
/// write, and says so: such a response can never be sent, so the request fails instead of filling the memory.
/// </summary>
internal sealed class CappedResponseBuffer(int maxBytes) : Stream
{
    private readonly MemoryStream _buffer = new();

    /// <summary>Gets whether the body went past the cap (what was buffered is gone).</summary>
    public bool Overflowed { get; private set; }

    /// <summary>Gets how many bytes are buffered.</summary>
    public long Buffered => _buffer.Length;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (Overflowed)
        {
            return;
        }

        if (_buffer.Length + buffer.Length > maxBytes)
        {
            Overflowed = true;
            _buffer.SetLength(0);
            _buffer.Capacity = 0;
            return;
        }

        _buffer.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Sends what was buffered (the caller checked <see cref="Overflowed"/>).</summary>
    public Task SendAsync(Stream destination, CancellationToken cancellationToken)
    {
        _buffer.Position = 0;
        return _buffer.CopyToAsync(destination, cancellationToken);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _buffer.Dispose();
        }

        base.Dispose(disposing);
    }
}
