using System.Text.Json;

namespace FunctionsDemo;

/// <summary>The events the simulated platform delivers, shaped as a function runtime hands them over.</summary>
internal static class DemoEvents
{
    /// <summary>An API-gateway proxy event: the HTTP body is a JSON string; the request id differs on every delivery.</summary>
    public static string ApiGateway(object body) => JsonSerializer.Serialize(new
    {
        httpMethod = "POST",
        path = "/quests",
        requestContext = new { requestId = Guid.NewGuid().ToString() },
        body = JsonSerializer.Serialize(body),
    });

    /// <summary>A sign-up trigger: the user's id is an attribute of the request.</summary>
    public static string SignUp(string userId) => JsonSerializer.Serialize(new
    {
        triggerSource = "PostConfirmation",
        request = new { userAttributes = new { sub = userId, email_verified = "true" } },
    });
}
