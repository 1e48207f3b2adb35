using System.Security.Cryptography;

namespace Idempotency.Tests.Keys;

// The managed SHA-256 behind store keys must equal the platform's on every length, across block boundaries.
public sealed class Sha256Tests
{
    [Fact]
    public void HashData_EveryLengthUpTo300Bytes_EqualsThePlatformSha256()
    {
        var random = new Random(20261130);
        for (var length = 0; length <= 300; length++)
        {
            var input = new byte[length];
            random.NextBytes(input);
            var expected = SHA256.HashData(input);
            var actual = new byte[Sha256.HashSizeInBytes];

            Sha256.HashData(input, actual);

            Assert.True(expected.AsSpan().SequenceEqual(actual), $"length {length}");
        }
    }

    [Fact]
    public void HashData_KnownVector_Abc()
    {
        var actual = new byte[Sha256.HashSizeInBytes];

        Sha256.HashData("abc"u8, actual);

        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Convert.ToHexStringLower(actual));
    }
}
