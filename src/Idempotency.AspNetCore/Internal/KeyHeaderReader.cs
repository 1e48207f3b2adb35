using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Idempotency.AspNetCore;

/// <summary>
/// Reads the key from the request headers. The value is an RFC 8941 Structured Field string (<c>"abc"</c>); in lenient
/// mode a bare value (<c>abc</c>) is accepted too and names the same key. Exactly one field line is allowed, and a
/// list (a comma outside quotes) or parameters (<c>;a=1</c>) are rejected: accepting them would let two different
/// header values name one key, or one header value name two. Messages never echo the key.
/// </summary>
internal sealed class KeyHeaderReader
{
    private readonly string[] _headerNames;
    private readonly bool _strict;

    public KeyHeaderReader(IdempotencyMiddlewareOptions options)
    {
        _headerNames = [options.HeaderName, .. options.LegacyHeaderNames];
        _strict = options.StrictHeaderParsing;
    }

    public KeyHeaderResult Read(IHeaderDictionary headers)
    {
        string? key = null;
        foreach (var name in _headerNames)
        {
            if (!headers.TryGetValue(name, out var values))
            {
                continue;
            }

            var single = Single(values, name);
            if (single.Error is not null)
            {
                return single;
            }

            var parsed = Parse(single.Key!, _strict);
            if (parsed.Error is not null)
            {
                return parsed;
            }

            if (key is not null && !string.Equals(key, parsed.Key, StringComparison.Ordinal))
            {
                return KeyHeaderResult.Invalid("the key headers carry different values.");
            }

            key = parsed.Key;
        }

        return key is null ? KeyHeaderResult.Missing : KeyHeaderResult.Found(key);
    }

    private static KeyHeaderResult Single(StringValues values, string name) => values.Count switch
    {
        0 => KeyHeaderResult.Invalid($"the {name} header is empty."),
        1 => KeyHeaderResult.Found(values[0] ?? string.Empty),
        _ => KeyHeaderResult.Invalid($"the {name} header was sent {values.Count} times; send it once."),
    };

    /// <summary>Parses one field value.</summary>
    public static KeyHeaderResult Parse(string fieldValue, bool strict)
    {
        var value = fieldValue.AsSpan().Trim(" \t");
        if (value.IsEmpty)
        {
            return KeyHeaderResult.Invalid("the header is empty.");
        }

        if (value[0] == '"')
        {
            return ParseString(value);
        }

        return strict
            ? KeyHeaderResult.Invalid("it must be a Structured Field string: the key in double quotes.")
            : ParseBare(value);
    }

    private static KeyHeaderResult ParseString(ReadOnlySpan<char> value)
    {
        StringBuilder? unescaped = null;
        var start = 1;
        for (var i = 1; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\\')
            {
                if (i + 1 >= value.Length || value[i + 1] is not ('"' or '\\'))
                {
                    return KeyHeaderResult.Invalid("a backslash in the string may only escape '\"' or '\\'.");
                }

                unescaped ??= new StringBuilder(value.Length);
                unescaped.Append(value[start..i]).Append(value[i + 1]);
                start = i + 2;
                i++;
            }
            else if (c == '"')
            {
                var rest = value[(i + 1)..].TrimStart(" \t");
                if (!rest.IsEmpty)
                {
                    return Trailing(rest[0]);
                }

                var key = unescaped is null ? value[1..i].ToString() : unescaped.Append(value[start..i]).ToString();
                return key.Length == 0 ? KeyHeaderResult.Invalid("the key is an empty string.") : KeyHeaderResult.Found(key);
            }
            else if (c is < ' ' or > '~')
            {
                return KeyHeaderResult.Invalid("it must contain only printable ASCII characters.");
            }
        }

        return KeyHeaderResult.Invalid("the string has no closing double quote.");
    }

    private static KeyHeaderResult ParseBare(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case ',':
                    return KeyHeaderResult.Invalid("it is a list; send exactly one key.");
                case ';':
                    return KeyHeaderResult.Invalid("parameters are not accepted.");
                case '"' or '\\':
                    return KeyHeaderResult.Invalid("a bare key may not contain '\"' or '\\'; quote it as a Structured Field string.");
                case <= ' ' or > '~':
                    return KeyHeaderResult.Invalid("a bare key must be printable ASCII without spaces; quote it as a Structured Field string.");
            }
        }

        return KeyHeaderResult.Found(value.ToString());
    }

    private static KeyHeaderResult Trailing(char next) => next switch
    {
        ',' => KeyHeaderResult.Invalid("it is a list; send exactly one key."),
        ';' => KeyHeaderResult.Invalid("parameters are not accepted."),
        _ => KeyHeaderResult.Invalid("unexpected characters follow the closing double quote."),
    };
}

/// <summary>The key, nothing (no header), or why the header is unusable.</summary>
internal readonly record struct KeyHeaderResult(string? Key, string? Error)
{
    public static KeyHeaderResult Missing => default;

    public static KeyHeaderResult Found(string key) => new(key, null);

    public static KeyHeaderResult Invalid(string reason) => new(null, reason);
}
