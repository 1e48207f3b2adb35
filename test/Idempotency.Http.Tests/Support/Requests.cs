using System.Text;
using System.Text.RegularExpressions;

namespace Idempotency.Http.Tests;

internal static partial class Requests
{
    public const string KeyHeader = "Idempotency-Key";

    /// <summary>A JSON order body; <see cref="StringContent"/> so every attempt and copy sends the same bytes.</summary>
    public static StringContent Order(string item = "book", int quantity = 1) =>
        new($$"""{"item":"{{item}}","quantity":{{quantity}}}""", Encoding.UTF8, "application/json");

    public static HttpRequestMessage Post(string path, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Order() };
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation(KeyHeader, key);
        }

        return request;
    }

    /// <summary>A random UUID version 4 in its lower-case canonical form.</summary>
    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")]
    public static partial Regex UuidV4();
}
