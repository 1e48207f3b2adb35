using System.Security.Cryptography;
using Xunit;

namespace Idempotency.Testing;

// Payloads are opaque bytes: stores return exactly what the engine wrote, whatever its size or content.
public abstract partial class IdempotencyStoreConformanceTests
{
    /// <summary>An empty payload (a void result) round-trips as zero bytes through a claim and a read.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task CompleteAsync_EmptyPayload_RoundTrips() => await AssertPayloadRoundTripsAsync(ReadOnlyMemory<byte>.Empty);

    /// <summary>A payload of <see cref="LargePayloadSize"/> random bytes (1 MiB unless the store holds less) round-trips byte for byte through a claim and a read.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task CompleteAsync_LargePayload_RoundTripsByteExact() => await AssertPayloadRoundTripsAsync(RandomNumberGenerator.GetBytes(LargePayloadSize));

    /// <summary>A payload holding every byte value (zero bytes, invalid UTF-8) round-trips byte for byte through a completion.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task CompleteAsync_EveryByteValue_RoundTripsByteExact() =>
        await AssertPayloadRoundTripsAsync(Enumerable.Range(0, 512).Select(i => (byte)(i % 256)).ToArray());

    /// <summary>A remembered failure's payload holding every byte value round-trips byte for byte.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task FailAsync_EveryByteValue_RoundTripsByteExact()
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        var token = NewToken();
        var error = Enumerable.Range(0, 256).Select(i => (byte)(255 - i)).ToArray();
        Assert.True((await ClaimAsync(store, key, token)).IsAcquired);
        Assert.True(await FailAsync(store, key, token, error, retryable: false));

        var result = await ClaimAsync(store, key, NewToken());

        Assert.False(result.IsAcquired);
        RecordAssert.PayloadEqual(error, result.Existing!.Payload);
        RecordAssert.PayloadEqual(error, (await GetAsync(store, key))!.Payload);
    }

    /// <summary>An in-progress record has no payload yet.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [Fact]
    public async Task ClaimAsync_InProgress_HasEmptyPayload()
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        Assert.True((await ClaimAsync(store, key, NewToken())).IsAcquired);

        var result = await ClaimAsync(store, key, NewToken());

        Assert.Equal(0, result.Existing!.Payload.Length);
        Assert.Equal(0, (await GetAsync(store, key))!.Payload.Length);
    }

    private async Task AssertPayloadRoundTripsAsync(ReadOnlyMemory<byte> payload)
    {
        await using var scope = await OpenAsync();
        var store = scope.Store;
        var key = NewKey();
        var token = NewToken();
        var claimed = InProgress(key, token, "fingerprint", Clock.GetUtcNow());
        Assert.True((await ClaimAsync(store, key, token)).IsAcquired);
        Assert.True(await CompleteAsync(store, key, token, payload));

        var result = await ClaimAsync(store, key, NewToken());

        Assert.False(result.IsAcquired);
        RecordAssert.PayloadEqual(payload, result.Existing!.Payload);
        RecordAssert.PayloadEqual(payload, (await GetAsync(store, key))!.Payload);
        RecordAssert.Matches(Completed(claimed, payload, claimed.CreatedAt), result.Existing);
    }
}
