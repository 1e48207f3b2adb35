using System.Buffers;

namespace Idempotency;

/// <summary>Turns operation results into bytes for the store and back.</summary>
public interface IIdempotencySerializer
{
    /// <summary>Writes <paramref name="value"/> to <paramref name="destination"/>.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="destination">Receives the bytes.</param>
    /// <param name="value">The result, possibly <see langword="null"/>.</param>
    void Serialize<T>(IBufferWriter<byte> destination, T value);

    /// <summary>Reads a value written by <see cref="Serialize{T}"/>.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="source">The bytes.</param>
    /// <returns>The result.</returns>
    T Deserialize<T>(ReadOnlySpan<byte> source);
}
