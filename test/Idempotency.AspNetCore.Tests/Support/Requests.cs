using System.Net.Http.Headers;
using System.Text;

namespace Idempotency.AspNetCore.Tests;

/// <summary>Builds the requests the tests send.</summary>
public static class Requests
{
    public const string OrderJson = """{"item":"book","quantity":2}""";

    public static HttpRequestMessage Post(string path, string? key, string body = OrderJson, string? bearer = null, string contentType = "application/json", string headerName = "Idempotency-Key") =>
        Create(HttpMethod.Post, path, key, body, bearer, contentType, headerName);

    public static HttpRequestMessage Create(HttpMethod method, string path, string? key, string? body = OrderJson, string? bearer = null, string contentType = "application/json", string headerName = "Idempotency-Key")
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation(headerName, key);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return request;
    }

    public static string NewKey() => Guid.NewGuid().ToString("D");
}
