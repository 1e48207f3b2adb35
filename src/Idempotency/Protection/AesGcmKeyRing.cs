using System.Buffers;
using System.Text;

namespace Idempotency;

/// <summary>
/// The keys of an <see cref="AesGcmPayloadProtector"/>, copied and decoded once. Few keys live in a ring at a time, so a
/// record's key is found by comparing id bytes in a short array: no lookup allocates.
/// </summary>
internal sealed class AesGcmKeyRing
{
    public const int MaxIdLength = 64;

    private static readonly SearchValues<char> IdCharacters =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");

    private readonly Entry[] _entries;

    public AesGcmKeyRing(AesGcmPayloadProtectionOptions options)
    {
        _entries = [.. options.Keys.Select(static pair => new Entry(pair.Key, Convert.FromBase64String(pair.Value)))];
        Active = _entries.Single(entry => string.Equals(entry.Id, options.ActiveKeyId, StringComparison.Ordinal));
    }

    public Entry Active { get; }

    public static bool IsValidId(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= MaxIdLength && id.AsSpan().IndexOfAnyExcept(IdCharacters) < 0;

    /// <summary>The decoded size of a base64 key, or -1 when it is not base64.</summary>
    public static int KeySize(string? base64)
    {
        if (string.IsNullOrEmpty(base64))
        {
            return 0;
        }

        var bytes = new byte[(base64.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(base64, bytes, out var written) ? written : -1;
    }

    public Entry? Find(ReadOnlySpan<byte> id)
    {
        foreach (var entry in _entries)
        {
            if (id.SequenceEqual(entry.IdBytes))
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>One key: its id, the key bytes, and the header a payload protected with it starts with.</summary>
    internal sealed class Entry
    {
        public Entry(string id, byte[] key)
        {
            Id = id;
            Key = key;
            IdBytes = Encoding.ASCII.GetBytes(id);
            Header = [AesGcmPayloadProtector.FormatVersion, (byte)IdBytes.Length, .. IdBytes];
        }

        public string Id { get; }

        public byte[] Key { get; }

        public byte[] IdBytes { get; }

        public byte[] Header { get; }
    }
}
