using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Idempotency.AspNetCore;

/// <summary>
/// Routes the response body through the capture while the handler runs: the stream and send-file through the capture
/// stream, the pipe writer through a tee over the server's own writer. Start, buffering and completion stay with the
/// server's feature.
/// </summary>
internal sealed class CaptureResponseBodyFeature : IHttpResponseBodyFeature
{
    private readonly IHttpResponseBodyFeature _prior;
    private readonly ResponseCaptureStream _capture;
    private TeePipeWriter? _writer;

    public CaptureResponseBodyFeature(IHttpResponseBodyFeature prior, ResponseCaptureStream stream)
    {
        _prior = prior;
        _capture = stream;
    }

    public IHttpResponseBodyFeature Prior => _prior;

    public Stream Stream => _capture;

    public PipeWriter Writer => _writer ??= new TeePipeWriter(_prior.Writer, _capture);

    public void DisableBuffering() => _prior.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        _capture.Starting();
        return _prior.StartAsync(cancellationToken);
    }

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        SendFileFallback.SendFileAsync(Stream, path, offset, count, cancellationToken);

    public async Task CompleteAsync()
    {
        _capture.Starting();
        await FlushWriterAsync().ConfigureAwait(false);
        await _prior.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>Flushes bytes the handler left unflushed in the server's writer (they are recorded already), and releases the tee.</summary>
    public async ValueTask FlushWriterAsync()
    {
        if (_writer is { } writer)
        {
            _writer = null;
            await writer.CompleteAsync().ConfigureAwait(false);
        }
    }
}
