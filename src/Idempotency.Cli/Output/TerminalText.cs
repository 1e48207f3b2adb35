using System.Buffers;
using System.Text;

namespace Idempotency.Cli.Output;

/// <summary>
/// Text from a store or a command line made safe to print on a terminal. Store keys, previews and error messages can hold
/// anything a writer put there: an ESC starts an ANSI sequence (colours, cursor moves, a window title, a hyperlink), a
/// carriage return or backspace overwrites what was printed, and a bidirectional override reorders what follows.
/// Each such character prints as '.'. Spectre markup needs nothing here: the tool prints text as <c>Text</c>, never as markup.
/// </summary>
internal static class TerminalText
{
    // C0 controls, DEL and the C1 controls (0x9B is a one-character CSI), the bidirectional marks, embeddings, overrides
    // and isolates, and U+FFFD (what an invalid UTF-8 byte decodes to).
    private static readonly SearchValues<char> Unsafe = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(i => (char)i), .. Enumerable.Range(0x7F, 0x21).Select(i => (char)i),
            '\u061C', '\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\uFFFD']);

    public static string Safe(string text)
    {
        var first = text.AsSpan().IndexOfAny(Unsafe);
        if (first < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text);
        for (var i = first; i < builder.Length; i++)
        {
            if (IsUnsafe(builder[i]))
            {
                builder[i] = '.';
            }
        }

        return builder.ToString();
    }

    /// <summary>A control character (C0, DEL, C1), a bidirectional control, or the replacement character of an invalid byte.</summary>
    public static bool IsUnsafe(char c) => Unsafe.Contains(c);
}
