using System.Text;

namespace Idempotency.Generators.Writing;

/// <summary>Writes indented lines of C#.</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder _text = new();
    private int _depth;

    public CodeWriter Line(string line = "")
    {
        if (line.Length > 0)
        {
            _text.Append(' ', _depth * 4);
        }

        _text.Append(line).Append('\n');
        return this;
    }

    /// <summary>Writes the lines of a declaration (a signature and its constraints), opens a block and indents.</summary>
    public CodeWriter Open(params string[] lines)
    {
        foreach (var line in lines)
        {
            Line(line);
        }

        Line("{");
        _depth++;
        return this;
    }

    public CodeWriter Close(string suffix = "")
    {
        _depth--;
        return Line("}" + suffix);
    }

    public override string ToString() => _text.ToString();
}
