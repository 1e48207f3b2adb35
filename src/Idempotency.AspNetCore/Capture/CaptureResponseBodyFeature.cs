using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Idempotency.AspNetCore;

/// <summary>
/// Routes the response body (stream, pipe writer and send-file) through the capture stream while the handler runs.
/// Start, buffering and completion stay with the server's feature.
/// </summary>
internal sealed class CaptureResponseBodyFeature : IHttpResponseBodyFeature
{
    private readonly IHttpResponseBodyFeature _prior;
    private PipeWriter? _writer;

    public CaptureResponseBodyFeature(IHttpResponseBodyFeature prior, ResponseCaptureStream stream)
    {
        _prior = prior;
        Stream = stream;
    }

    public IHttpResponseBodyFeature Prior => _prior;

    public Stream Stream { get; }

    public PipeWriter Writer => _writer ??= PipeWriter.Create(Stream, new StreamPipeWriterOptions(leaveOpen: true));

    public void DisableBuffering() => _prior.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => _prior.StartAsync(cancellationToken);

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        SendFileFallback.SendFileAsync(Stream, path, offset, count, cancellationToken);

    public async Task CompleteAsync()
    {
        await FlushWriterAsync().ConfigureAwait(false);
        await _prior.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>Pushes bytes still buffered in the pipe writer through the capture stream, and releases the writer.</summary>
    public async ValueTask FlushWriterAsync()
    {
        if (_writer is { } writer)
        {
            _writer = null;
            await writer.CompleteAsync().ConfigureAwait(false);
        }
    }
}
