using System.Buffers;
using System.Text.Encodings.Web;

namespace Idempotency.Functions;

/// <summary>
/// The event serializer's encoder: the application's (or the default), except that a string holding a lone surrogate
/// throws instead of being written as U+FFFD. System.Text.Json asks the encoder about every string it writes, property
/// names included, so this is the one place such a string can be seen before it is silently replaced.
/// </summary>
internal sealed class LoneSurrogateEncoder(JavaScriptEncoder inner) : JavaScriptEncoder
{
    public override int MaxOutputCharactersPerInputCharacter => inner.MaxOutputCharactersPerInputCharacter;

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        var span = new ReadOnlySpan<char>(text, textLength);
        for (var i = 0; i < span.Length; i++)
        {
            if (char.IsHighSurrogate(span[i]) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(span[i]))
            {
                throw new LoneSurrogateException();
            }
        }

        return inner.FindFirstCharacterToEncode(text, textLength);
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten) =>
        inner.TryEncodeUnicodeScalar(unicodeScalar, buffer, bufferLength, out numberOfCharactersWritten);

    public override bool WillEncode(int unicodeScalar) => inner.WillEncode(unicodeScalar);

    public override OperationStatus Encode(ReadOnlySpan<char> source, Span<char> destination, out int charsConsumed, out int charsWritten, bool isFinalBlock = true) =>
        inner.Encode(source, destination, out charsConsumed, out charsWritten, isFinalBlock);

    public override OperationStatus EncodeUtf8(ReadOnlySpan<byte> utf8Source, Span<byte> utf8Destination, out int bytesConsumed, out int bytesWritten, bool isFinalBlock = true) =>
        inner.EncodeUtf8(utf8Source, utf8Destination, out bytesConsumed, out bytesWritten, isFinalBlock);

    public override int FindFirstCharacterToEncodeUtf8(ReadOnlySpan<byte> utf8Text) => inner.FindFirstCharacterToEncodeUtf8(utf8Text);

    /// <summary>Thrown out of the serializer, caught by <see cref="EventJson"/>.</summary>
    internal sealed class LoneSurrogateException : Exception;
}
