using System.Net;
using System.Text;
using Idempotency.SecretsAtRest;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Idempotency.AspNetCore.Tests;

/// <summary>
/// Encryption at rest with ASP.NET Core Data Protection (<c>AddDataProtectionPayloadProtection</c>): captured responses are
/// stored as ciphertext and replayed through the middleware; instances sharing the key ring read each other's records;
/// an instance without the key answers 500 record-corrupt and never runs the handler again.
/// </summary>
public sealed class DataProtectionPayloadTests : IDisposable
{
    private readonly DirectoryInfo _ring = Directory.CreateTempSubdirectory("idempotency-dp-");
    private readonly DirectoryInfo _otherRing = Directory.CreateTempSubdirectory("idempotency-dp-");

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task Replay_DataProtectionOn_StoredPayloadHoldsNoneOfTheResponse(int compressionThreshold)
    {
        await using var app = await SecretsApp.StartAsync(idempotency => Protect(idempotency, _ring), compressionThreshold);
        var key = Guid.NewGuid().ToString("D");

        await SecretResponse.SendTwiceAsync(app.Client, key);
        var record = await app.RecordAsync(key);
        var stored = Encoding.UTF8.GetBytes(record.Key + record.OwnerToken + record.Fingerprint).Concat(record.Payload.ToArray()).ToArray();

        Assert.True(stored.AsSpan().IndexOf("ORDINARY-BODY-VALUE"u8) < 0, "The stored record holds the body in plain text.");
        Assert.True(stored.AsSpan().IndexOf(Encoding.UTF8.GetBytes(SecretResponse.OrdinaryValue)) < 0, "The stored record holds a header in plain text.");

        // What Data Protection gives back (purpose, then the store key as sub-purpose) is the engine's ordinary payload,
        // which still keeps no credential.
        var provider = DataProtectionProvider.Create(_ring, o => o.SetApplicationName("idempotency-tests"));
        var unprotected = provider.CreateProtector(IdempotencyDataProtectionBuilderExtensions.DefaultPurpose, record.Key).Unprotect(record.Payload.ToArray());
        var decrypted = new IdempotencyRecord
        {
            Key = record.Key,
            Status = record.Status,
            OwnerToken = record.OwnerToken,
            Fingerprint = record.Fingerprint,
            CreatedAt = record.CreatedAt,
            LeaseExpiresAt = record.LeaseExpiresAt,
            ExpiresAt = record.ExpiresAt,
            Payload = unprotected,
        };
        SecretResponse.AssertRecordKeepsNoSecret(unprotected, decrypted, compressionThreshold);
    }

    [Fact]
    public async Task Replay_InstanceWithoutTheKeyRing_Answers500RecordCorruptWithoutRunning()
    {
        var store = new InMemoryIdempotencyStore();
        var key = Requests.NewKey();
        await using var writer = await StartAsync(store, _ring);
        var first = await Answer.SendAsync(writer.Client, Requests.Post("/orders", key));

        await using var stranger = await StartAsync(store, _otherRing);
        var refused = await Answer.SendAsync(stranger.Client, Requests.Post("/orders", key));
        await using var sibling = await StartAsync(store, _ring);
        var replay = await Answer.SendAsync(sibling.Client, Requests.Post("/orders", key));

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.InternalServerError, refused.Status);
        Assert.Equal(ProblemTypes.RecordCorrupt, refused.ProblemType);
        Assert.True(replay.IsReplayed);
        Assert.Equal(first.Text, replay.Text);
        Assert.Equal((1, 0), await writer.GetRunsAsync());
        Assert.Equal((0, 0), await stranger.GetRunsAsync());
        Assert.Equal((0, 0), await sibling.GetRunsAsync());
    }

    // The store key is a sub-purpose: a payload copied under another key's record (same ring) does not unprotect there,
    // so it can never replay one caller's response to another.
    [Fact]
    public void Unprotect_PayloadOfAnotherStoreKey_Throws()
    {
        var services = new ServiceCollection();
        Protect(services.AddIdempotency(), _ring);
        using var provider = services.BuildServiceProvider();
        var protector = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<IdempotencyOptions>>().Value.PayloadProtector!;

        var sealedPayload = protector.Protect("a response for one caller"u8, "idem:orders:http::caller-a");

        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => protector.Unprotect(sealedPayload, "idem:orders:http::caller-b"));
        Assert.Equal("a response for one caller"u8.ToArray(), protector.Unprotect(sealedPayload, "idem:orders:http::caller-a"));
    }

    [Fact]
    public void AddDataProtectionPayloadProtection_BlankPurpose_Throws()
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentException>(() => services.AddIdempotency().AddDataProtectionPayloadProtection(" "));
    }

    public void Dispose()
    {
        _ring.Delete(recursive: true);
        _otherRing.Delete(recursive: true);
    }

    private static void Protect(IIdempotencyBuilder idempotency, DirectoryInfo ring)
    {
        idempotency.Services.AddDataProtection().PersistKeysToFileSystem(ring).SetApplicationName("idempotency-tests");
        idempotency.AddDataProtectionPayloadProtection();
    }

    // The OrdersApi sample over a store shared by the instances of a test, protected with the given key ring.
    private static Task<SampleHost> StartAsync(IIdempotencyStore store, DirectoryInfo ring) => SampleHost.StartAsync(builder =>
    {
        builder.Services.RemoveAll<IIdempotencyStore>();
        builder.Services.AddSingleton(store);
        Protect(new Builder(builder.Services), ring);
    });

    private sealed class Builder(IServiceCollection services) : IIdempotencyBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
