using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Idempotency.AspNetCore.Tests;

/// <summary>The AES-GCM ring and the digest secret as docs/encryption.md configures them: from configuration, checked at start-up.</summary>
public sealed class EncryptionConfigurationTests
{
    private static readonly string Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task Start_RingFromConfiguration_ProtectsWithTheActiveKey()
    {
        await using var app = await StartAsync(new()
        {
            ["Idempotency:Encryption:ActiveKeyId"] = "2026-01",
            ["Idempotency:Encryption:Keys:2026-01"] = Key,
            ["Idempotency:Encryption:Keys:2025-07"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)),
        });

        var protector = app.Services.GetRequiredService<IOptions<IdempotencyOptions>>().Value.PayloadProtector!;

        Assert.Equal([1, 7, .. "2026-01"u8], protector.Protect("x"u8, "idem:default:op::k")[..9]);
    }

    [Fact]
    public async Task Start_KeyOfAWrongSize_FailsNamingTheKeyButNotItsValue()
    {
        var shortKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(20));

        // Both the ring and the engine options (which read the ring) fail validation at start: the host aggregates them.
        var exception = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(new()
        {
            ["Idempotency:Encryption:ActiveKeyId"] = "2026-01",
            ["Idempotency:Encryption:Keys:2026-01"] = shortKey,
        }));

        Assert.All(exception is AggregateException all ? all.InnerExceptions : [exception], e => Assert.IsType<OptionsValidationException>(e));
        Assert.Contains("Key '2026-01' is 20 bytes; AES-GCM keys are 16, 24 or 32 bytes", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(shortKey, exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ShortDigestSecret_FailsWithTheReason()
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new()
        {
            ["Idempotency:Encryption:ActiveKeyId"] = "a",
            ["Idempotency:Encryption:Keys:a"] = Key,
            ["Idempotency:DigestSecret"] = Convert.ToBase64String(new byte[16]),
        }));

        Assert.Contains("DigestSecret is 16 bytes; it must be at least 32", exception.Message, StringComparison.Ordinal);
    }

    private static async Task<WebApplication> StartAsync(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddIdempotency(options =>
        {
            if (builder.Configuration["Idempotency:DigestSecret"] is { } secret)
            {
                options.DigestSecret = Convert.FromBase64String(secret);
            }
        }).AddAesGcmPayloadProtection(ring => builder.Configuration.GetSection("Idempotency:Encryption").Bind(ring));
        var app = builder.Build();
        try
        {
            await app.StartAsync();
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }
}
