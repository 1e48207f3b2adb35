using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Idempotency.AspNetCore;

/// <summary>
/// Holds the whole response body in memory and never starts the response: a transactional endpoint's response must not
/// reach the client before its transaction has committed. The transaction middleware sends it afterwards.
/// </summary>
internal sealed class BufferedResponseBodyFeature(CappedResponseBuffer buffer) : IHttpResponseBodyFeature
{
    private PipeWriter? _writer;

    public Stream Stream => buffer;

    public PipeWriter Writer => _writer ??= PipeWriter.Create(buffer, new StreamPipeWriterOptions(leaveOpen: true));

    public void DisableBuffering()
    {
    }

    public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        SendFileFallback.SendFileAsync(buffer, path, offset, count, cancellationToken);

    public Task CompleteAsync() => FlushAsync().AsTask();

    /// <summary>Moves what the handler left in the pipe writer into the buffer.</summary>
    public async ValueTask FlushAsync()
    {
        if (_writer is { } writer)
        {
            _writer = null;
            await writer.CompleteAsync().ConfigureAwait(false);
        }
    }
}
