using Newtonsoft.Json.Linq;

namespace Idempotency.JmesPath;

/// <summary>
/// Selects the idempotency key, and optionally the fields that make up the fingerprint, from JSON payloads with JMESPath
/// expressions. Expressions are parsed once, at construction; one instance is safe to use from any number of threads.
/// </summary>
/// <remarks>
/// <para>
/// Beyond the standard JMESPath functions, expressions can call <c>from_json(value)</c>, which parses a string holding
/// JSON (<c>from_json(body).orderId</c>), and <c>from_base64(value)</c>, which decodes base64 to UTF-8 text.
/// </para>
/// <para>
/// The key: a selected string is used as is; an array (a multi-select such as <c>[body.userId, body.orderId]</c>) becomes
/// <see cref="IdempotencyKeys.Composite"/> of its items; a number, boolean or object becomes its canonical JSON text
/// (numbers exactly as sent, normalized digit for digit, never rounded through <see cref="double"/>).
/// Such a derived key longer than <see cref="MaxDerivedKeyLength"/> characters, or not printable ASCII, is replaced by
/// <see cref="HashedKeyPrefix"/> followed by its <see cref="ContentHash"/>. <c>null</c>, <c>""</c>, <c>[]</c>, <c>{}</c>
/// and arrays or objects of only such values select no key.
/// </para>
/// <para>The fingerprint is <see cref="ContentHash.ComputeCanonicalJson"/> of what the fingerprint expression selected.</para>
/// </remarks>
public sealed class JmesPathKeySelector
{
    /// <summary>The longest key derived from a number, boolean, object or array that is used as text rather than hashed.</summary>
    public const int MaxDerivedKeyLength = 128;

    /// <summary>The prefix of a derived key replaced by its hash.</summary>
    public const string HashedKeyPrefix = "sha256:";

    private readonly CompiledExpression _key;
    private readonly CompiledExpression? _fingerprint;

    /// <summary>Initializes a new instance of the <see cref="JmesPathKeySelector"/> class.</summary>
    /// <param name="keyExpression">The JMESPath expression that selects the key, for example <c>body.orderId</c>.</param>
    /// <param name="fingerprintExpression">
    /// The JMESPath expression that selects the fields a reused key must match, for example
    /// <c>body.[amount, currency]</c>, or <c>@</c> for the whole payload; <see langword="null"/> for no fingerprint.
    /// </param>
    /// <exception cref="ArgumentException">An expression is empty or is not valid JMESPath (syntax, unknown function, wrong number of arguments).</exception>
    public JmesPathKeySelector(string keyExpression, string? fingerprintExpression = null)
    {
        _key = Compile(keyExpression, nameof(keyExpression));
        if (fingerprintExpression is not null)
        {
            _fingerprint = Compile(fingerprintExpression, nameof(fingerprintExpression));
        }
    }

    /// <summary>Gets the expression that selects the key.</summary>
    public string KeyExpression => _key.Text;

    /// <summary>Gets the expression that selects the fingerprint fields, or <see langword="null"/>.</summary>
    public string? FingerprintExpression => _fingerprint?.Text;

    /// <summary>Selects the key and fingerprint from a UTF-8 JSON payload.</summary>
    /// <param name="utf8Json">The payload; an empty payload reads as JSON <c>null</c> and so selects no key.</param>
    /// <returns>The key (or none) and the fingerprint.</returns>
    /// <exception cref="IdempotencyKeyInvalidException">
    /// The payload is not valid JSON, a string passed to <c>from_json</c> or <c>from_base64</c> is not what it should
    /// be, or an expression cannot be evaluated on this payload (for example a function given the wrong type).
    /// </exception>
    public JmesPathSelection Select(ReadOnlySpan<byte> utf8Json) => SelectFrom(Read(utf8Json));

    /// <summary>Selects the key and fingerprint from a JSON payload.</summary>
    /// <param name="json">The payload; an empty payload reads as JSON <c>null</c> and so selects no key.</param>
    /// <returns>The key (or none) and the fingerprint.</returns>
    /// <exception cref="IdempotencyKeyInvalidException">
    /// See <see cref="Select(ReadOnlySpan{byte})"/>; also a payload holding a lone surrogate, which is not Unicode text
    /// (refused rather than replaced, so that distinct strings never become one key).
    /// </exception>
    public JmesPathSelection Select(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return SelectFrom(Read(json));
    }

    /// <summary>
    /// Creates the request for an execution from a UTF-8 JSON payload. Set <see cref="IdempotencyRequest.Scope"/> or
    /// <see cref="IdempotencyRequest.Policy"/> on the result with a <see langword="with"/> expression.
    /// </summary>
    /// <param name="operation">The operation (handler, event type or function).</param>
    /// <param name="utf8Json">The payload.</param>
    /// <returns>The request; its key is <see langword="null"/> when none was selected, so the policy's <see cref="KeyRequirement"/> applies.</returns>
    /// <exception cref="IdempotencyKeyInvalidException">See <see cref="Select(ReadOnlySpan{byte})"/>.</exception>
    public IdempotencyRequest CreateRequest(string operation, ReadOnlySpan<byte> utf8Json)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var selection = Select(utf8Json);
        return new IdempotencyRequest(operation, selection.Key) { Fingerprint = selection.Fingerprint };
    }

    /// <summary>Creates the request for an execution from a JSON payload.</summary>
    /// <param name="operation">The operation (handler, event type or function).</param>
    /// <param name="json">The payload.</param>
    /// <returns>The request; its key is <see langword="null"/> when none was selected, so the policy's <see cref="KeyRequirement"/> applies.</returns>
    /// <exception cref="IdempotencyKeyInvalidException">See <see cref="Select(ReadOnlySpan{byte})"/>.</exception>
    public IdempotencyRequest CreateRequest(string operation, string json)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var selection = Select(json);
        return new IdempotencyRequest(operation, selection.Key) { Fingerprint = selection.Fingerprint };
    }

    private static CompiledExpression Compile(string expression, string parameterName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(expression, parameterName);
        return CompiledExpression.TryCompile(expression, out var error)
            ?? throw new ArgumentException($"'{expression}' is not a valid JMESPath expression: {error}", parameterName);
    }

    private static JToken Read(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            return JsonPayload.Parse(utf8Json);
        }
        catch (InvalidPayloadException ex)
        {
            throw new IdempotencyKeyInvalidException($"the payload {ex.Problem}.");
        }
    }

    private static JToken Read(string json)
    {
        try
        {
            return JsonPayload.Parse(json);
        }
        catch (InvalidPayloadException ex)
        {
            throw new IdempotencyKeyInvalidException($"the payload {ex.Problem}.");
        }
    }

    private JmesPathSelection SelectFrom(JToken document)
    {
        var key = Derive(Evaluate(_key, document, "key"), "key", SelectedValue.ToKey);
        var fingerprint = _fingerprint is null ? null : Derive(Evaluate(_fingerprint, document, "fingerprint"), "fingerprint", SelectedValue.ToFingerprint);
        return new JmesPathSelection(key, fingerprint);
    }

    private static JToken Evaluate(CompiledExpression expression, JToken document, string role)
    {
        try
        {
            return expression.Evaluate(document);
        }
        catch (InvalidPayloadException ex)
        {
            throw new IdempotencyKeyInvalidException($"the payload {ex.Problem} (in the {role} expression).");
        }
        catch (Exception ex)
        {
            // JmesPath.Net reports evaluation errors as plain exceptions whose messages name functions, types and parts of the
            // expression, not payload values.
            throw new IdempotencyKeyInvalidException($"the {role} expression cannot be evaluated on this payload: {ex.Message}");
        }
    }

    private static string? Derive(JToken value, string role, Func<JToken, string?> derive)
    {
        try
        {
            return derive(value);
        }
        catch (UnrepresentableSelectionException ex)
        {
            throw new IdempotencyKeyInvalidException($"the {role} expression selected {ex.Problem}.");
        }
    }
}
