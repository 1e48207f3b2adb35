using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Idempotency.AspNetCore.Tests;

// Found by attack: an authentication step after the idempotency middleware that adds an identity to the existing
// principal (instead of replacing it) was not noticed, so alice's response was stored in the anonymous scope the key was
// claimed in, and mallory and anonymous callers were replayed it. The scope is now compared however the principal changed.
public sealed class PrincipalMutationTests
{
    [Fact]
    public async Task IdentityAddedInPlaceAfterTheMiddleware_ResponseIsNotStored_NoOneElseGetsIt()
    {
        await using var app = await TestApp.StartAsync((app, runs) =>
        {
            app.Use((context, next) =>
            {
                if (context.Request.Headers.TryGetValue("X-Api-Key", out var user))
                {
                    context.User.AddIdentity(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user.ToString())], "ApiKey"));
                }

                return next(context);
            });
            app.MapPost("/me", (HttpContext context) =>
            {
                runs.Ran("me");
                return "statement of " + context.User.FindFirst(ClaimTypes.NameIdentifier)?.Value;
            }).RequireIdempotency();
        });

        var alice = await app.SendAsync(As("alice"));
        var mallory = await app.SendAsync(As("mallory"));
        var anonymous = await app.SendAsync(Requests.Post("/me", "k-1"));

        Assert.Equal("statement of alice", alice.Text);
        Assert.Equal(HttpStatusCode.FailedDependency, mallory.Status);
        Assert.DoesNotContain("alice", mallory.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.FailedDependency, anonymous.Status);
        Assert.DoesNotContain("alice", anonymous.Text, StringComparison.Ordinal);
        Assert.Equal(1, app.Runs["me"]);
    }

    private static HttpRequestMessage As(string user)
    {
        var request = Requests.Post("/me", "k-1");
        request.Headers.Add("X-Api-Key", user);
        return request;
    }
}
