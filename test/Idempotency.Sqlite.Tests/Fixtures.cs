using Microsoft.Extensions.Time.Testing;

namespace Idempotency.Sqlite.Tests;

internal static class Fixtures
{
    public static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider Clock() => new(Start);

    public static IdempotencyClaimRequest Claim(string key, DateTimeOffset now, string? owner = null, string fingerprint = "f", TimeSpan? lease = null, TimeSpan? ttl = null) =>
        new(key, owner ?? Guid.NewGuid().ToString("N"), fingerprint, now, lease ?? TimeSpan.FromMinutes(1), ttl ?? TimeSpan.FromHours(1));
}
