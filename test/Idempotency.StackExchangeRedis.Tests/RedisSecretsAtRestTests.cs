using Idempotency.SecretsAtRest;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Idempotency.StackExchangeRedis.Tests;

/// <summary>Credentials in a response never reach Redis: the stored value is read with GET, byte for byte.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisSecretsAtRestTests(RedisFixture redis)
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task StoredValue_ResponseWithCredentials_HoldsNoneOfTheirBytes(int compressionThreshold)
    {
        var instanceName = $"secrets-{Guid.NewGuid():N}:";
        await using var app = await SecretsApp.StartAsync(
            idempotency =>
            {
                idempotency.Services.AddSingleton<IConnectionMultiplexer>(redis.Multiplexer);
                idempotency.AddRedisStore(o => o.InstanceName = instanceName);
            },
            compressionThreshold);
        var key = Guid.NewGuid().ToString("D");

        await SecretResponse.SendTwiceAsync(app.Client, key);
        var raw = (byte[])(await redis.Database.StringGetAsync(await RedisKeys.OnlyUnderAsync(redis, instanceName)))!;

        SecretResponse.AssertRecordKeepsNoSecret(raw, await app.RecordAsync(key), compressionThreshold);
    }
}
