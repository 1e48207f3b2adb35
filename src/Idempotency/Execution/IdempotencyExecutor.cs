using Microsoft.Extensions.Logging;

namespace Idempotency;

/// <summary>Creates an executor without dependency injection.</summary>
public static class IdempotencyExecutor
{
    /// <summary>Creates an executor.</summary>
    /// <param name="options">The options; defaults when <see langword="null"/>. Validated here.</param>
    /// <param name="store">The store; a new <see cref="InMemoryIdempotencyStore"/> when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; the system clock when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Logging; none when <see langword="null"/>.</param>
    /// <param name="serializer">The result serializer; System.Text.Json with <see cref="IdempotencyOptions.JsonSerializerOptions"/> when <see langword="null"/>.</param>
    /// <returns>The executor.</returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static IIdempotencyExecutor Create(
        IdempotencyOptions? options = null,
        IIdempotencyStore? store = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        IIdempotencySerializer? serializer = null) =>
        new IdempotencyEngine(options ?? new IdempotencyOptions(), store ?? new InMemoryIdempotencyStore(timeProvider: timeProvider), serializer, timeProvider, loggerFactory, meterFactory: null);
}
