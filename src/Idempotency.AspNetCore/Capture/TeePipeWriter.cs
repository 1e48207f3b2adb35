using System.IO.Pipelines;

namespace Idempotency.AspNetCore;

/// <summary>
/// The handler's <c>Response.BodyWriter</c> while a response is captured: bytes go straight into the server's own
/// writer (no extra copy, no stream adapter), and the capture records them when they are committed at
/// <see cref="Advance"/>. Completing it only flushes: the response itself is completed by the server.
/// </summary>
internal sealed class TeePipeWriter : PipeWriter
{
    private readonly PipeWriter _inner;
    private readonly ResponseCaptureStream _capture;
    private Memory<byte> _pending;

    public TeePipeWriter(PipeWriter inner, ResponseCaptureStream capture)
    {
        _inner = inner;
        _capture = capture;
    }

    public override bool CanGetUnflushedBytes => _inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => _inner.UnflushedBytes;

    public override void Advance(int bytes)
    {
        if (bytes > 0)
        {
            // Read back before advancing: what was handed out is exactly what the handler wrote.
            _capture.Observe(_pending.Span[..bytes]);
        }

        _pending = default;
        _inner.Advance(bytes);
    }

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        _capture.Starting();
        return _pending = _inner.GetMemory(sizeHint);
    }

    public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        _capture.Starting();
        return _inner.FlushAsync(cancellationToken);
    }

    public override void CancelPendingFlush() => _inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null)
    {
        // Nothing to release: the server owns the inner writer and completes it with the response.
    }

    public override async ValueTask CompleteAsync(Exception? exception = null)
    {
        if (exception is null && (!_inner.CanGetUnflushedBytes || _inner.UnflushedBytes > 0))
        {
            await _inner.FlushAsync().ConfigureAwait(false);
        }
    }
}
