using System.Text;

namespace Idempotency.TestServers;

/// <summary>What a server process printed, collected from its output threads and kept for failure messages.</summary>
internal sealed class ServerOutput
{
    private readonly StringBuilder _text = new();

    public void Append(string line)
    {
        lock (_text)
        {
            _text.AppendLine(line);
        }
    }

    public override string ToString()
    {
        lock (_text)
        {
            return _text.ToString();
        }
    }
}
