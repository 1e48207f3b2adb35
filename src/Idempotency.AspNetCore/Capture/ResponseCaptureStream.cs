namespace Idempotency.AspNetCore;

/// <summary>
/// A write-through tee: every byte goes to the client as the handler produces it, and a copy is recorded (after the
/// stored-response prefix) up to a cap. Recording stops for good on overflow, or when the response is decided not to be
/// stored at the first write (its status is not storable, so its body is never buffered).
/// </summary>
internal sealed class ResponseCaptureStream : Stream
{
    private readonly Stream _inner;
    private readonly int _maxBodySize;
    private readonly Func<bool> _shouldRecord;
    private PooledBuffer? _recording;
    private bool _decided;

    public ResponseCaptureStream(Stream inner, int maxBodySize, Func<bool> shouldRecord)
    {
        _inner = inner;
        _maxBodySize = maxBodySize;
        _shouldRecord = shouldRecord;
    }

    /// <summary>Gets how many body bytes the handler wrote.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Gets a value indicating whether the body was larger than the cap.</summary>
    public bool Overflowed { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => _inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Takes the recording (prefix and body); the caller disposes it. <see langword="null"/> when nothing is recorded.</summary>
    public PooledBuffer? TakeRecording()
    {
        if (!_decided)
        {
            Decide();
        }

        var recording = _recording;
        _recording = null;
        return recording;
    }

    /// <summary>Counts and records bytes already sent on to the client (by this stream or by the pipe writer tee).</summary>
    public void Observe(ReadOnlySpan<byte> bytes)
    {
        BytesWritten += bytes.Length;
        if (!_decided)
        {
            Decide();
        }

        if (_recording is null)
        {
            return;
        }

        if (BytesWritten > _maxBodySize)
        {
            // Stop recording for good: the client still gets everything, the key gets a "not stored" marker.
            Overflowed = true;
            _recording.Dispose();
            _recording = null;
            return;
        }

        _recording.Write(bytes);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _inner.Write(buffer);
        Observe(buffer);
    }

    public override void WriteByte(byte value) => Write([value]);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        Observe(buffer.Span);
    }

    public override IAsyncResult BeginWrite(byte[] buffer, int offset, int count, AsyncCallback? callback, object? state) =>
        TaskToAsyncResult.Begin(WriteAsync(buffer, offset, count, CancellationToken.None), callback, state);

    public override void EndWrite(IAsyncResult asyncResult) => TaskToAsyncResult.End(asyncResult);

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        // The inner stream belongs to the server; only the recording is ours.
        if (disposing)
        {
            _recording?.Dispose();
            _recording = null;
        }
    }

    private void Decide()
    {
        _decided = true;
        if (_shouldRecord())
        {
            _recording = new PooledBuffer(StoredResponse.BodyOffset + 4096);
            _recording.Advance(StoredResponse.BodyOffset);
        }
    }
}
