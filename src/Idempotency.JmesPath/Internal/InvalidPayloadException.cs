namespace Idempotency.JmesPath;

/// <summary>JSON that cannot be read: the payload itself, or a string passed to <c>from_json</c>.</summary>
/// <param name="problem">What is wrong, phrased to follow a subject ("is not valid JSON (line 1, byte 7)").</param>
internal sealed class InvalidPayloadException(string problem) : Exception(problem)
{
    public string Problem { get; } = problem;
}
