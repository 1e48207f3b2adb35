namespace Idempotency.Functions;

/// <summary>The defaults of <see cref="IdempotentFunctionOptions"/>, in one place.</summary>
internal static class FunctionDefaults
{
    /// <summary>
    /// Completed records a warm function instance keeps in memory. An instance serves one invocation at a time, so this
    /// many records is hours of traffic for a typical function, at a few hundred bytes each plus the result.
    /// </summary>
    public const int LocalCacheMaxEntries = 1000;

    /// <summary>The prefix of the engine policy each function policy registers, so it never replaces an engine policy of the app's.</summary>
    public const string EnginePolicyPrefix = "function:";

    /// <summary>The longest operation name, as for every store key segment.</summary>
    public const int MaxOperationLength = 100;
}
