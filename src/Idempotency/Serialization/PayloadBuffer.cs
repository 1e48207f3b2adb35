using System.Buffers;

namespace Idempotency;

/// <summary>
/// A pooled buffer a result is serialized into straight after its payload header, so a first execution hands the
/// store one slice of a rented array: no intermediate writer, no copy. Returned to the pool once the store call ended.
/// </summary>
internal sealed class PayloadBuffer : IBufferWriter<byte>, IDisposable
{
    private readonly PayloadKind _kind;
    private byte[] _buffer;
    private int _written;

    public PayloadBuffer(PayloadKind kind)
    {
        _kind = kind;
        _buffer = ArrayPool<byte>.Shared.Rent(256);
        _written = Payload.HeaderLength;
    }

    /// <summary>The encoded payload: the header and body in place, or a compressed copy above the threshold.</summary>
    public ReadOnlyMemory<byte> Encode(int compressionThreshold)
    {
        var body = _buffer.AsSpan(Payload.HeaderLength, _written - Payload.HeaderLength);
        if (compressionThreshold > 0 && body.Length > compressionThreshold)
        {
            return Payload.Encode(_kind, body, compressionThreshold);
        }

        Payload.WriteHeader(_buffer, _kind, flags: 0);
        return _buffer.AsMemory(0, _written);
    }

    /// <summary>Gets how many body bytes were written (after the header).</summary>
    public int BodyLength => _written - Payload.HeaderLength;

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsSpan(_written);
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Reserve(int sizeHint)
    {
        var needed = _written + Math.Max(sizeHint, 1);
        if (needed <= _buffer.Length)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
        _buffer.AsSpan(0, _written).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
