using System.Globalization;
using CsCheck;

namespace Idempotency.PropertyTests;

/// <summary>
/// How long each property runs: <see cref="SuiteIterations"/> cases in the test suite (the whole project stays well under a
/// minute), or <c>IDEMPOTENCY_FUZZ_ITERATIONS</c> cases each for a long run. CsCheck shrinks a failing case and prints
/// its seed; <c>CsCheck_Seed=&lt;seed&gt;</c> replays it.
/// </summary>
public static class Fuzz
{
    public const string IterationsVariable = "IDEMPOTENCY_FUZZ_ITERATIONS";
    public const long SuiteIterations = 1_000;

    /// <summary>The cases each property runs: the variable when set, else <paramref name="suite"/>.</summary>
    public static long Iterations(long suite = SuiteIterations) =>
        long.TryParse(Environment.GetEnvironmentVariable(IterationsVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) && iterations > 0
            ? iterations
            : suite;

    /// <summary>Checks <paramref name="property"/> on generated cases, on every core (or one thread, for a property that shares a connection).</summary>
    public static void Check<T>(this Gen<T> gen, Action<T> property, long suite = SuiteIterations, bool oneThread = false, Func<T, string>? print = null) =>
        gen.Sample(property, iter: Iterations(suite), threads: oneThread ? 1 : -1, print: print);
}
