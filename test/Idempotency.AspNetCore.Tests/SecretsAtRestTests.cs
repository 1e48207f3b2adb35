using System.Text;
using Idempotency.SecretsAtRest;

namespace Idempotency.AspNetCore.Tests;

/// <summary>
/// Credentials in a response never reach the in-memory store: the kept record is read back whole. The Redis and
/// PostgreSQL test projects run the same response against their servers (<see cref="SecretResponse"/>).
/// </summary>
public sealed class SecretsAtRestTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task StoredRecord_ResponseWithCredentials_HoldsNoneOfTheirBytes(int compressionThreshold)
    {
        await using var app = await SecretsApp.StartAsync(static _ => { }, compressionThreshold);
        var key = Guid.NewGuid().ToString("D");

        await SecretResponse.SendTwiceAsync(app.Client, key);
        var record = await app.RecordAsync(key);
        var kept = Encoding.UTF8.GetBytes(record.Key + record.OwnerToken + record.Fingerprint).Concat(record.Payload.ToArray()).ToArray();

        SecretResponse.AssertRecordKeepsNoSecret(kept, record, compressionThreshold);
    }
}
