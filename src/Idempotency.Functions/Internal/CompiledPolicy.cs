using Idempotency.JmesPath;

namespace Idempotency.Functions;

/// <summary>A function policy ready to use: its expressions parsed once (the selector is thread-safe), its names resolved.</summary>
internal sealed class CompiledPolicy(string name, IdempotentFunctionPolicy policy)
{
    public string Name { get; } = name;

    public string Operation { get; } = policy.Operation ?? name;

    public string EnginePolicy { get; } = IdempotentFunctionOptions.EnginePolicyName(name);

    public JmesPathKeySelector Selector { get; } = new(policy.KeyExpression!, policy.FingerprintExpression);
}
