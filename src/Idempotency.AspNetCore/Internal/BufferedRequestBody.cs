using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Idempotency.AspNetCore;

/// <summary>
/// Hands the body the fingerprint already read to the endpoint, as a read-only stream and a pipe reader over the same
/// pooled buffer, instead of buffering it a second time; disposing puts the server's body back and returns the buffer.
/// </summary>
internal sealed class BufferedRequestBody : IRequestBodyPipeFeature, IDisposable
{
    private readonly HttpContext _context;
    private readonly Stream _priorBody;
    private readonly IRequestBodyPipeFeature? _priorPipe;
    private readonly int _length;
    private byte[]? _buffer;
    private PipeReader? _reader;

    private BufferedRequestBody(HttpContext context, byte[] buffer, int length)
    {
        _context = context;
        _buffer = buffer;
        _length = length;
        _priorBody = context.Request.Body;
        _priorPipe = context.Features.Get<IRequestBodyPipeFeature>();
    }

    /// <summary>Gets the body bytes.</summary>
    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, _length);

    /// <summary>Created on first use: endpoints that read the stream never pay for it.</summary>
    public PipeReader Reader => _reader ??= PipeReader.Create(new ReadOnlySequence<byte>(_buffer ?? throw new ObjectDisposedException(nameof(BufferedRequestBody)), 0, _length));

    /// <summary>Takes ownership of <paramref name="buffer"/> (rented from the shared pool) and installs it as the request body.</summary>
    public static BufferedRequestBody Install(HttpContext context, byte[] buffer, int length)
    {
        var body = new BufferedRequestBody(context, buffer, length);
        context.Request.Body = new MemoryStream(buffer, 0, length, writable: false);
        context.Features.Set<IRequestBodyPipeFeature>(body);
        return body;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        if (buffer is null)
        {
            return;
        }

        _buffer = null;
        _context.Request.Body = _priorBody;
        _context.Features.Set(_priorPipe);
        ArrayPool<byte>.Shared.Return(buffer);
    }
}
