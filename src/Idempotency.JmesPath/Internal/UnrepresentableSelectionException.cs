namespace Idempotency.JmesPath;

/// <summary>An expression selected something that has no canonical JSON, so no key or fingerprint can be derived from it.</summary>
/// <param name="problem">What it selected, phrased to follow "the key expression selected" ("a value nested deeper than 64 levels").</param>
internal sealed class UnrepresentableSelectionException(string problem) : Exception(problem)
{
    public string Problem { get; } = problem;
}
