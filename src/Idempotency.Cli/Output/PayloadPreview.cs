using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Idempotency.Cli.Output;

/// <summary>
/// A short, printable, redacted preview of a stored payload. Reads the engine's payload format (revision 1: kind,
/// flags, optional Brotli) and, inside a raw payload, the ASP.NET Core package's stored response (revision 1, kind 1),
/// without depending on either package's internals: an operator's tool must show what is there, and says so when it
/// cannot read it rather than failing.
/// </summary>
/// <param name="Kind">value, void, raw, http, error, not-stored, empty, encrypted or unreadable.</param>
/// <param name="Text">The preview (at most <see cref="MaxLength"/> characters).</param>
internal sealed record PayloadPreview(string Kind, string Text)
{
    public const int MaxLength = 160;

    // Enough of a body for a preview: a larger one is decoded only this far.
    private const int MaxDecodedBytes = 64 * 1024;

    private static readonly byte[] DataProtectionMagicHeader = [0x09, 0xF0, 0xC9, 0xF0];

    private static readonly SearchValues<byte> KeyIdCharacters =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"u8);

    public static PayloadPreview Of(ReadOnlyMemory<byte> payload)
    {
        var span = payload.Span;
        if (span.IsEmpty)
        {
            return new("empty", string.Empty);
        }

        if (span.Length < 3 || span[0] != 1 || span[1] is < 1 or > 5 || span[2] > 1)
        {
            return Encrypted(span) ?? new("unreadable", "(not in the engine's payload format)");
        }

        byte[] body;
        if (span[2] == 1)
        {
            if (span.Length < 7 || !TryDecompress(span[7..], BinaryPrimitives.ReadInt32LittleEndian(span[3..]), out body))
            {
                return new("unreadable", "(the compressed body does not decompress)");
            }
        }
        else
        {
            body = span[3..].ToArray();
        }

        return span[1] switch
        {
            1 => new("value", Shorten(SecretRedactor.RedactJson(Decode(body)))),
            2 => new("void", "(no result: the operation returns nothing)"),
            3 => Raw(body),
            4 => new("error", Shorten(SecretRedactor.RedactJson(Decode(body)))),
            _ => new("not-stored", Shorten(Decode(body))),
        };
    }

    /// <summary>
    /// A payload protected at rest (docs/encryption.md): the tool holds no key, so it names the protection and, for
    /// AES-GCM, the key id. An AES-GCM payload is version 1, the key id's length, the id ([A-Za-z0-9._-]), nonce and tag,
    /// so it never reads as the engine's format (whose third byte is 0 or 1); Data Protection's starts with its magic header.
    /// </summary>
    private static PayloadPreview? Encrypted(ReadOnlySpan<byte> span)
    {
        if (span.StartsWith(DataProtectionMagicHeader))
        {
            return new("encrypted", "(encrypted with ASP.NET Core Data Protection; the tool cannot read it)");
        }

        if (span.Length >= 2 && span[0] == 1 && span[1] is >= 1 and <= 64 && span.Length >= 2 + span[1] + 12 + 16
            && span.Slice(2, span[1]).IndexOfAnyExcept(KeyIdCharacters) < 0)
        {
            return new("encrypted", $"(encrypted with AES-GCM key '{Encoding.ASCII.GetString(span.Slice(2, span[1]))}'; the tool cannot read it)");
        }

        return null;
    }

    private static PayloadPreview Raw(byte[] body) =>
        HttpResponsePreview.TryRead(body) is { } response
            ? new("http", Shorten(response))
            : new("raw", Shorten(Printable(body)));

    private static bool TryDecompress(ReadOnlySpan<byte> compressed, int length, out byte[] body)
    {
        body = new byte[Math.Clamp(length, 0, MaxDecodedBytes)];
        using var decoder = new BrotliDecoder();
        var status = decoder.Decompress(compressed, body, out _, out var written);

        // Done, or stopped at the preview's cap; anything else (invalid data, a stream cut short, a negative length) is
        // not a body the engine wrote, and an empty "value" preview would hide that.
        if (length < 0 || status is not (OperationStatus.Done or OperationStatus.DestinationTooSmall) || (status == OperationStatus.DestinationTooSmall && body.Length < MaxDecodedBytes))
        {
            return false;
        }

        body = body[..written];
        return true;
    }

    internal static string Decode(ReadOnlySpan<byte> bytes) => Printable(bytes[..Math.Min(bytes.Length, MaxDecodedBytes)]);

    /// <summary>UTF-8 text with control characters (and invalid bytes) shown as '.', so a preview never moves the terminal.</summary>
    internal static string Printable(ReadOnlySpan<byte> bytes) => TerminalText.Safe(Encoding.UTF8.GetString(bytes));

    internal static string Shorten(string text) => text.Length <= MaxLength ? text : string.Concat(text.AsSpan(0, MaxLength - 1), "…");
}
