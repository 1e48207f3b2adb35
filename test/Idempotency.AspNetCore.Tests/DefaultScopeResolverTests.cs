using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Idempotency.AspNetCore.Tests;

// The default scope: unforgeable across schemes, issuers and claim types; never the anonymous scope for an
// authenticated principal.
public sealed class DefaultScopeResolverTests
{
    [Fact]
    public void Resolve_Anonymous_IsTheSharedAnonymousScope()
    {
        Assert.Null(DefaultScopeResolver.Resolve(new DefaultHttpContext()));
        Assert.Null(DefaultScopeResolver.Resolve(Context(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "alice")]))));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Resolve_AuthenticatedWithoutIdentifier_Throws(string? identifier)
    {
        List<Claim> claims = [new("scope", "orders:write")];
        if (identifier is not null)
        {
            claims.Add(new Claim(ClaimTypes.NameIdentifier, identifier));
        }

        var ex = Assert.Throws<InvalidOperationException>(() => DefaultScopeResolver.Resolve(Context(new ClaimsIdentity(claims, "ApiKey"))));

        Assert.Contains("'ApiKey'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(IdempotencyMiddlewareOptions.ScopeResolver), ex.Message, StringComparison.Ordinal);
        Assert.Contains("NameIdentifier", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'sub'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ClaimTypes.NameIdentifier)]
    [InlineData("sub")]
    public void Resolve_EachIdentifierClaim_IsUsed(string claimType)
    {
        var alice = DefaultScopeResolver.Resolve(Context(new ClaimsIdentity([new Claim(claimType, "alice")], "Bearer")));
        var bob = DefaultScopeResolver.Resolve(Context(new ClaimsIdentity([new Claim(claimType, "bob")], "Bearer")));

        Assert.False(string.IsNullOrEmpty(alice));
        Assert.NotEqual(alice, bob);
    }

    // Found by review: an API-key scheme whose callers choose their own name label could name itself after another
    // user and replay that user's responses. A name alone never scopes; the resolver must be configured to use it.
    [Fact]
    public void Resolve_NameClaimAlone_IsRefusedNotUsed()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => DefaultScopeResolver.Resolve(Context(new ClaimsIdentity([new Claim(ClaimTypes.Name, "alice")], "ApiKey"))));

        Assert.Contains("Identity?.Name", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_NameIdentifierBeforeSub_NameIgnored()
    {
        var all = Scope("Bearer", (ClaimTypes.Name, "n"), ("sub", "s"), (ClaimTypes.NameIdentifier, "id"));
        var subAndName = Scope("Bearer", (ClaimTypes.Name, "n"), ("sub", "s"));

        Assert.Equal(Scope("Bearer", (ClaimTypes.NameIdentifier, "id")), all);
        Assert.Equal(Scope("Bearer", ("sub", "s")), subAndName);
    }

    [Fact]
    public void Resolve_SameValueOtherScheme_IsAnotherScope() =>
        Assert.NotEqual(Scope("Bearer", (ClaimTypes.NameIdentifier, "alice")), Scope("ApiKey", (ClaimTypes.NameIdentifier, "alice")));

    [Fact]
    public void Resolve_SameValueOtherClaimType_IsAnotherScope() =>
        Assert.NotEqual(Scope("Bearer", (ClaimTypes.NameIdentifier, "alice")), Scope("Bearer", ("sub", "alice")));

    [Fact]
    public void Resolve_SameValueOtherIssuer_IsAnotherScope()
    {
        var a = DefaultScopeResolver.Resolve(Context(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "alice", ClaimValueTypes.String, "https://a.example")], "Bearer")));
        var b = DefaultScopeResolver.Resolve(Context(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "alice", ClaimValueTypes.String, "https://b.example")], "Bearer")));

        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Resolve_PartsThatConcatenateAlike_AreDistinct()
    {
        // A naive "scheme:value" join would make these two one scope.
        Assert.NotEqual(Scope("A:B", (ClaimTypes.NameIdentifier, "C")), Scope("A", (ClaimTypes.NameIdentifier, "B:C")));
        Assert.NotEqual(Scope("A1", (ClaimTypes.NameIdentifier, "2")), Scope("A", (ClaimTypes.NameIdentifier, "12")));
    }

    [Fact]
    public void Resolve_Composition_IsTheDocumentedOne() =>
        Assert.Equal(
            "6:Bearer68:http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier15:LOCAL AUTHORITY5:alice",
            Scope("Bearer", (ClaimTypes.NameIdentifier, "alice")));

    [Fact]
    public void Resolve_SamePrincipal_IsStable() =>
        Assert.Equal(Scope("Bearer", (ClaimTypes.NameIdentifier, "alice")), Scope("Bearer", (ClaimTypes.NameIdentifier, "alice")));

    [Fact]
    public void Resolve_FirstIdentityWithoutIdentifier_UsesTheNextAuthenticatedOne()
    {
        var user = new ClaimsPrincipal([
            new ClaimsIdentity([new Claim("scope", "orders:write")], "ApiKey"),
            new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "alice")], "Bearer"),
        ]);

        Assert.Equal(Scope("Bearer", (ClaimTypes.NameIdentifier, "alice")), DefaultScopeResolver.Resolve(new DefaultHttpContext { User = user }));
    }

    private static string? Scope(string scheme, params (string Type, string Value)[] claims) =>
        DefaultScopeResolver.Resolve(Context(new ClaimsIdentity(claims.Select(static c => new Claim(c.Type, c.Value)), scheme)));

    private static DefaultHttpContext Context(ClaimsIdentity identity) => new() { User = new ClaimsPrincipal(identity) };
}
