using System.Globalization;
using System.Text;

namespace Idempotency.Soak;

/// <summary>
/// A worker process's durable side-effect log (one file per process, which is its only writer): one line per event,
/// each appended with a single unbuffered write before the worker goes on, so a line whose write returned is in the
/// kernel and survives a kill -9 of the worker.
/// Lines: <c>EXEC key pid token owner time</c> (owner: the claim's owner token, <c>-</c> if unknown),
/// <c>DONE key pid token outcome time</c>, <c>REPLAY key pid result time</c>, <c>SETTLED key pid how time</c>,
/// <c>FAULT key pid type time</c>, <c>CLAIM key pid owner now leaseEnd time</c> (an acquired claim),
/// <c>RENEW owner pid leaseEnd started|ok|refused|failed time</c> (time, now, leaseEnd: UTC ticks, one clock).
/// </summary>
public sealed class SideEffectLog : IDisposable
{
    private readonly FileStream _file;
    private readonly string _pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

    public SideEffectLog(string path) =>
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);

    public void Exec(string key, string token, string? owner) => Write("EXEC", key, token + " " + (owner ?? "-"));

    public void Done(string key, string token, string outcome) => Write("DONE", key, token + " " + outcome);

    public void Replay(string key, string result) => Write("REPLAY", key, result);

    public void Settled(string key, string how) => Write("SETTLED", key, how);

    public void Fault(string key, Exception exception) => Write("FAULT", key, exception.GetType().Name);

    public void Claim(string key, string owner, DateTimeOffset now, DateTimeOffset leaseEnd) =>
        Write("CLAIM", key, string.Create(CultureInfo.InvariantCulture, $"{owner} {now.UtcTicks} {leaseEnd.UtcTicks}"));

    public void Renewal(string owner, DateTimeOffset leaseEnd, string result) =>
        Write("RENEW", owner, string.Create(CultureInfo.InvariantCulture, $"{leaseEnd.UtcTicks} {result}"));

    public void Dispose() => _file.Dispose();

    private void Write(string kind, string key, string rest)
    {
        var line = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{kind} {key} {_pid} {rest} {DateTime.UtcNow.Ticks}\n"));
        lock (_file)
        {
            // bufferSize 0: one write(2) per line; Flush makes sure nothing waits in .NET.
            _file.Write(line);
            _file.Flush();
        }
    }
}
