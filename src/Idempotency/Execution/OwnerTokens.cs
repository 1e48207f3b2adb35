using System.Security.Cryptography;

namespace Idempotency;

/// <summary>
/// Fencing tokens: 32 hex characters, a random 64-bit prefix drawn once per process followed by a 64-bit counter.
/// Unique per claim within a process (the counter) and across processes (the prefix), which is all fencing needs; the
/// token is never shown to callers. A random GUID per claim cost a syscall (about 1 µs here) on every request, replays included.
/// </summary>
internal static class OwnerTokens
{
    private static readonly ulong Prefix = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(sizeof(ulong)));
    private static long _counter;

    public static string Next() => string.Create(32, (ulong)Interlocked.Increment(ref _counter), static (span, counter) =>
    {
        Prefix.TryFormat(span, out _, "x16");
        counter.TryFormat(span[16..], out _, "x16");
    });
}
