using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Idempotency.AspNetCore;

/// <summary>
/// A write-through tee: every byte goes to the client as the handler produces it, and a copy is recorded (after the
/// stored-response prefix) up to a cap. Recording stops for good on overflow, or when the response is decided not to be
/// stored at the first write (its status is not storable, so its body is never buffered).
/// </summary>
internal sealed class ResponseCaptureStream : Stream
{
    private readonly Stream _inner;
    private readonly HttpResponse _response;
    private readonly int _maxBodySize;
    private readonly ResponseStorageRules _rules;
    private PooledBuffer? _recording;
    private bool _decided;
    private bool _started;

    public ResponseCaptureStream(Stream inner, HttpResponse response, int maxBodySize, ResponseStorageRules rules)
    {
        _inner = inner;
        _response = response;
        _maxBodySize = maxBodySize;
        _rules = rules;
    }

    /// <summary>
    /// Gets the <c>Content-Encoding</c> the handler had set when its response first went out (empty when none), before
    /// middleware outside this one could change it: response compression adds <c>gzip</c> to the headers while the
    /// bytes recorded here are the handler's plain ones. <see langword="null"/> when the response never started here.
    /// </summary>
    public StringValues? HandlerContentEncoding { get; private set; }

    /// <summary>Called before anything goes on to the server's (or an outer middleware's) body: the headers are still the handler's.</summary>
    public void Starting()
    {
        if (!_started)
        {
            _started = true;
            HandlerContentEncoding = _response.Headers.ContentEncoding;
        }
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
        Starting();
        _inner.Write(buffer);
        Observe(buffer);
    }

    public override void WriteByte(byte value) => Write([value]);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Starting();
        await _inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        Observe(buffer.Span);
    }

    public override IAsyncResult BeginWrite(byte[] buffer, int offset, int count, AsyncCallback? callback, object? state) =>
        TaskToAsyncResult.Begin(WriteAsync(buffer, offset, count, CancellationToken.None), callback, state);

    public override void EndWrite(IAsyncResult asyncResult) => TaskToAsyncResult.End(asyncResult);

    public override void Flush()
    {
        Starting();
        _inner.Flush();
    }

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        Starting();
        return _inner.FlushAsync(cancellationToken);
    }

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
        if (_rules.ShouldStore(_response.StatusCode))
        {
            _recording = new PooledBuffer(StoredResponse.BodyOffset + 4096);
            _recording.Advance(StoredResponse.BodyOffset);
        }
    }
}
