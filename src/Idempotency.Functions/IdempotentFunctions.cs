using Microsoft.Extensions.Logging;

namespace Idempotency.Functions;

/// <summary>Creates idempotent function handlers without dependency injection (a function class that builds its own dependencies once).</summary>
public static class IdempotentFunctions
{
    /// <summary>Creates the handlers' factory, and the engine under it, from the policies.</summary>
    /// <param name="configure">Adds the policies.</param>
    /// <param name="engine">The engine options; defaults when <see langword="null"/>. The policies are added to them.</param>
    /// <param name="store">The store; a new in-memory store when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; the system clock when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Logging; none when <see langword="null"/>.</param>
    /// <returns>The factory.</returns>
    /// <exception cref="ArgumentException">The function options or the engine options are invalid (every problem is named).</exception>
    public static IIdempotentFunctions Create(
        Action<IdempotentFunctionOptions> configure,
        IdempotencyOptions? engine = null,
        IIdempotencyStore? store = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new IdempotentFunctionOptions();
        configure(options);
        OptionErrors.ThrowIfAny(options, IdempotentFunctionOptionsValidator.Errors);
        engine ??= new IdempotencyOptions();
        options.ApplyTo(engine);
        var clock = timeProvider ?? TimeProvider.System;
        var executor = IdempotencyExecutor.Create(engine, store ?? new InMemoryIdempotencyStore(timeProvider: clock), clock, loggerFactory);
        return new FunctionRunner(executor, options, clock, new FunctionTelemetry(meterFactory: null, loggerFactory));
    }
}
