using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Idempotency.Cli.Output;

/// <summary>
/// Hides what looks like a secret in a preview: credential and cookie headers (the ones the ASP.NET Core package never
/// stores, in ResponseHeaderFilter, plus request-side Cookie and API-key headers, in case another integration stored
/// them) and JSON fields whose names say password, token, secret, key or credential.
/// </summary>
internal static partial class SecretRedactor
{
    public const string Mask = "***";

    // Shown to a person, not embedded in HTML: '+' and non-ASCII stay as they were stored.
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly HashSet<string> SecretHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "Proxy-Authorization", "WWW-Authenticate", "Proxy-Authenticate", "Authentication-Info",
        "Cookie", "Set-Cookie", "Set-Cookie2", "X-Api-Key", "Api-Key",
    };

    public static bool IsSecretHeader(string name) => SecretHeaders.Contains(name) || IsSecretName(name);

    public static bool IsSecretName(string name) => SecretName().IsMatch(name);

    /// <summary>JSON with secret fields masked; text that is not JSON (or is cut short) gets the same masking by pattern.</summary>
    public static string RedactJson(string text)
    {
        try
        {
            var node = JsonNode.Parse(text);
            if (node is JsonObject or JsonArray)
            {
                Redact(node);
                return node.ToJsonString(Relaxed);
            }
        }
        catch (JsonException)
        {
            // Not JSON, or a prefix of it: fall through to the pattern.
        }

        return SecretField().Replace(text, match => $"\"{match.Groups["name"].Value}\":\"{Mask}\"");
    }

    private static void Redact(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    if (IsSecretName(name))
                    {
                        obj[name] = Mask;
                    }
                    else
                    {
                        Redact(obj[name]);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Redact(item);
                }

                break;
        }
    }

    [GeneratedRegex("password|passwd|pwd|secret|token|api[-_]?key|private[-_]?key|credential|authorization|cookie|session", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();

    [GeneratedRegex("\"(?<name>[^\"]*(?:password|passwd|pwd|secret|token|api[-_]?key|private[-_]?key|credential|authorization|cookie|session)[^\"]*)\"\\s*:\\s*(?:\"(?:[^\"\\\\]|\\\\.)*\"?|[^,}\\]\\s]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretField();
}
