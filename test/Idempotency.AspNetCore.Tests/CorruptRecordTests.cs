using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace Idempotency.AspNetCore.Tests;

public sealed class CorruptRecordTests : IAsyncLifetime
{
    private SampleHost _host = null!;

    public async Task InitializeAsync() => _host = await SampleHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public static TheoryData<byte[]> CorruptPayloads => new()
    {
        // Unknown engine payload revision.
        { new byte[] { 9, 3, 0, 1, 2, 3 } },
        // A valid engine payload (raw) holding an unknown HTTP format revision.
        { new byte[] { 1, 3, 0, 7, 1 } },
        // A valid engine payload holding a truncated HTTP response.
        { new byte[] { 1, 3, 0, 1, 1, 200, 0, 0, 0, 1, 2 } },
        // An engine payload of another kind (a serialized value), not an HTTP response.
        { new byte[] { 1, 1, 0, (byte)'4', (byte)'2' } },
    };

    [Theory]
    [MemberData(nameof(CorruptPayloads))]
    public async Task PostOrders_StoredResponseUnreadable_Returns500WithoutRunning(byte[] payload)
    {
        var key = Requests.NewKey();
        await Answer.SendAsync(_host.Client, Requests.Post("/orders", key));
        await OverwritePayloadAsync(key, payload);

        var answer = await Answer.SendAsync(_host.Client, Requests.Post("/orders", key));

        Assert.Equal(HttpStatusCode.InternalServerError, answer.Status);
        Assert.Equal(ProblemTypes.RecordCorrupt, answer.ProblemType);
        Assert.Equal((1, 0), await _host.GetRunsAsync());
    }

    /// <summary>Replaces the completed record of the key with the same fingerprint and another payload.</summary>
    private async Task OverwritePayloadAsync(string key, byte[] payload)
    {
        var administrator = _host.Services.GetRequiredService<IIdempotencyAdministrator>();
        var store = _host.Services.GetRequiredService<IIdempotencyStore>();
        var storeKey = administrator.GetStoreKey("http", key, scope: null);
        var now = DateTimeOffset.UtcNow;
        var record = await store.GetAsync(storeKey, now, CancellationToken.None);
        Assert.NotNull(record);
        Assert.Equal(IdempotencyRecordStatus.Completed, record.Status);

        Assert.True(await store.DeleteAsync(storeKey, CancellationToken.None));
        var claim = await store.ClaimAsync(new IdempotencyClaimRequest(storeKey, "test-owner", record.Fingerprint, now, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1)), CancellationToken.None);
        Assert.True(claim.IsAcquired);
        Assert.True(await store.CompleteAsync(storeKey, "test-owner", payload, now, TimeSpan.FromHours(1), CancellationToken.None));
    }
}
