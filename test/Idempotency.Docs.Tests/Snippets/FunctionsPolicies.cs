#region snippet: functions-policies
using Idempotency;
#endregion

namespace Snippets;

internal static class FunctionsPolicies
{
    public static void Register(IServiceCollection services)
    {
        #region snippet: functions-policies
        services.AddIdempotency(o => o.ServiceName = "quests").AddIdempotentFunctions(functions =>
        {
            functions.AddPolicy("quest-creation", "from_json(body).questId", TimeSpan.FromHours(24));
            functions.AddPolicy("reward-processing", "rewardId", TimeSpan.FromDays(7));
            functions.AddPolicy("user-creation", "request.userAttributes.sub", TimeSpan.FromHours(1));
            functions.AddPolicy("attestation", "from_json(body).[questId, userId]", TimeSpan.FromHours(24));

            // Everything else a policy can say, in the long form.
            functions.AddPolicy("payments", p =>
            {
                p.KeyExpression = "from_json(body).paymentId";
                p.FingerprintExpression = "from_json(body).[amount, currency]";   // same id, other amount: rejected
                p.Ttl = TimeSpan.FromDays(7);
                p.KeyRequirement = KeyRequirement.Required;
                p.ConfigurePolicy = engine =>
                {
                    engine.InProgressWait = TimeSpan.FromSeconds(5);    // concurrent duplicates wait for the result
                    engine.RememberFailure = ex => ex is PaymentDeclinedException;
                };
            });
        });
        #endregion
    }
}
