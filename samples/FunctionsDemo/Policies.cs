using Idempotency.Functions;

namespace FunctionsDemo;

/// <summary>The pre-configured policies: one line per kind of operation, used by every handler of that kind.</summary>
internal static class Policies
{
    public static void Add(IdempotentFunctionOptions functions)
    {
        // Concurrent duplicates wait for the first run and get its result, instead of an in-progress answer.
        functions.AddPolicy("quest-creation", p =>
        {
            p.KeyExpression = "from_json(body).questId";
            p.FingerprintExpression = "from_json(body)";
            p.Ttl = TimeSpan.FromHours(24);
            p.ConfigurePolicy = e => e.InProgressWait = TimeSpan.FromSeconds(10);
        });
        functions.AddPolicy("reward-processing", "rewardId", TimeSpan.FromDays(7));
        functions.AddPolicy("user-creation", "request.userAttributes.sub", TimeSpan.FromHours(1));
        functions.AddPolicy("attestation", "from_json(body).[questId, userId]", TimeSpan.FromHours(24));
    }
}
