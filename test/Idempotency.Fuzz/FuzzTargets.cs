using System.Text;
using System.Text.Json;
using Idempotency.AspNetCore;
using Idempotency.JmesPath;
using Idempotency.Messaging;
using Idempotency.StackExchangeRedis;

namespace Idempotency.Fuzz;

/// <summary>
/// One target per parser that reads bytes from outside the process. Each lets through only the exceptions the parser
/// documents (a refusal); any other exception, or a broken invariant (<see cref="FuzzInvariantException"/>), is a crash.
/// </summary>
public static class FuzzTargets
{
    private const int MaxBody = 64 * 1024;

    // Key and fingerprint expressions a configuration may hold: paths, projections, functions, nested JSON and base64.
    // Built lazily, like every object of the library here: instrumented code may run only once SharpFuzz has set up
    // AFL's shared memory (inside Fuzzer.Run), never in a static constructor before it.
    private static readonly Lazy<JmesPathKeySelector[]> Selectors = new(static () =>
    [
        .. new[]
        {
            "id", "body.orderId", "[id, body.orderId]", "@", "a.b.c[0]", "*", "[*].id", "keys(@)", "length(@)", "sort(@)",
            "to_number(id)", "max_by(@, &a)", "id || body.orderId", "from_json(body).orderId", "from_json(body)",
            "from_json(from_base64(data)).id", "from_base64(data)", "{k: id, v: body}", "[0][0][0]", "values(@)[?a > `1`]",
        }.Select(static e => new JmesPathKeySelector(e, e == "@" ? null : "@")),
    ]);

    private static readonly Lazy<MessageKeys> Keys = new(static () => new MessageKeys(new IdempotentConsumerOptions()));

    private static readonly string[] Codings = ["gzip", "deflate", "br"];

    private static readonly Dictionary<string, Action<byte[]>> Targets = new(StringComparer.Ordinal)
    {
        ["key-header"] = KeyHeader,
        ["canonical-json"] = CanonicalJson,
        ["jmespath"] = JmesPath,
        ["redis-record"] = RedisRecord,
        ["payload"] = PayloadEnvelope,
        ["stored-response"] = StoredHttpResponse,
        ["message-key"] = MessageKey,
    };

    public static IReadOnlyList<string> Names { get; } = [.. Targets.Keys];

    public static Action<byte[]>? Find(string name) => Targets.GetValueOrDefault(name);

    /// <summary>The <c>Idempotency-Key</c> field value (as Kestrel hands it over, Latin-1), strict and lenient: a printable key or a reason.</summary>
    private static void KeyHeader(byte[] input)
    {
        var field = Encoding.Latin1.GetString(input);
        foreach (var strict in (bool[])[true, false])
        {
            var result = KeyHeaderReader.Parse(field, strict);
            Check(result.Key is null != (result.Error is null), "exactly one of a key or a reason");
            Check(result.Key is null || (result.Key.Length > 0 && result.Key.All(static c => c is >= ' ' and <= '~')), "a printable key");
        }
    }

    /// <summary>Canonical JSON of any bytes: a result or <see cref="JsonException"/>; its own output canonicalizes to itself.</summary>
    private static void CanonicalJson(byte[] input)
    {
        byte[] canonical;
        try
        {
            canonical = ContentHash.CanonicalizeJson(input);
            _ = ContentHash.ComputeCanonicalJson(input, "timestamp");
        }
        catch (JsonException)
        {
            return;
        }

        Check(ContentHash.CanonicalizeJson(canonical).AsSpan().SequenceEqual(canonical), "canonical output is a fixed point");
    }

    /// <summary>JMESPath selection (expression chosen by the first byte) over the rest as a payload: a selection or <see cref="IdempotencyKeyInvalidException"/>.</summary>
    private static void JmesPath(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        try
        {
            var selector = Selectors.Value[input[0] % Selectors.Value.Length];
            var selection = selector.Select(input.AsSpan(1));
            Check(selector.FingerprintExpression is null ? selection.Fingerprint is null : selection.Fingerprint is { Length: 43 }, "a 43-character fingerprint when there is a fingerprint expression");
            Check(selection.Key is null || selection.Key.Length > 0, "a missing or non-empty key");
        }
        catch (IdempotencyKeyInvalidException)
        {
        }
    }

    /// <summary>The Redis store's value format: a record or <see cref="IdempotencyRecordCorruptException"/>.</summary>
    private static void RedisRecord(byte[] input)
    {
        try
        {
            var record = RedisRecordFormat.Decode("key", input);
            Check(record.Status is IdempotencyRecordStatus.InProgress or IdempotencyRecordStatus.Completed or IdempotencyRecordStatus.Failed, "a known status");
        }
        catch (IdempotencyRecordCorruptException)
        {
        }
    }

    /// <summary>The engine's payload envelope, and a stored failure as its body or as the whole input: corrupt, or within the limit.</summary>
    private static void PayloadEnvelope(byte[] input)
    {
        try
        {
            var (_, body) = Payload.Decode("key", input, MaxBody);
            Check(body.Length <= MaxBody, "a body within the limit");
            StoredFailureOf(body.Span);
        }
        catch (IdempotencyRecordCorruptException)
        {
        }

        StoredFailureOf(input);
    }

    private static void StoredFailureOf(ReadOnlySpan<byte> body)
    {
        try
        {
            var failure = StoredFailure.Deserialize("key", body);
            Check(failure.Type is not null && failure.Message is not null, "a failure with a type and a message");
        }
        catch (IdempotencyRecordCorruptException)
        {
        }
    }

    /// <summary>The stored HTTP response, and a stored body in a content coding (chosen by the first byte): refused with a reason, never thrown.</summary>
    private static void StoredHttpResponse(byte[] input)
    {
        if (StoredResponse.TryDecode(input, out var response, out var problem))
        {
            Check(response.Status is >= 100 and <= 999 && response.Body.Length <= input.Length, "a status and a body within the record");
        }
        else
        {
            Check(!string.IsNullOrEmpty(problem), "a reason");
        }

        if (input.Length > 0 && ContentDecoder.TryDecode(Codings[input[0] % Codings.Length], input.AsMemory(1), MaxBody, out var decoded))
        {
            Check(decoded.Length <= MaxBody, "a decoded body within the limit");
        }
    }

    /// <summary>A message's key: the bytes before the first NUL are its <c>idempotency-key</c> header (when there is one), the rest its body.</summary>
    private static void MessageKey(byte[] input)
    {
        var split = Array.IndexOf(input, (byte)0);
        var message = new InboundMessage("orders", split < 0 ? input : input.AsMemory(split + 1))
        {
            Headers = split < 0 ? null : new Dictionary<string, string> { ["idempotency-key"] = Encoding.UTF8.GetString(input, 0, split) },
            MessageId = "m-1",
        };
        var keys = Keys.Value;
        var (key, source) = keys.Resolve(message);
        Check(key is null == (source == MessageKeySource.None), "a key with its source, or none");
        Check(key is null || (key.Length > 0 && key.All(static c => c is >= ' ' and <= '~')), "a printable key");
        Check(keys.Resolve(message) == (key, source), "the same key twice");
        _ = keys.Fingerprint(message);
    }

    private static void Check(bool holds, string invariant)
    {
        if (!holds)
        {
            throw new FuzzInvariantException(invariant);
        }
    }
}

/// <summary>A target's invariant did not hold: a crash for AFL, like an undocumented exception.</summary>
public sealed class FuzzInvariantException(string invariant) : Exception("invariant broken: " + invariant);
