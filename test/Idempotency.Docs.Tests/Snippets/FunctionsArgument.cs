#region snippet: functions-argument
using Idempotency.Functions;
#endregion

namespace Snippets;

internal sealed class FunctionsArgument(IIdempotentFunctions functions)
{
    #region snippet: functions-argument
    // Policy "award-rewards": p.KeyExpression = "@" (the argument itself), p.Ttl = 7 days.
    public async Task<string> AwardQuestRewardsAsync(string questId, string userId, int xp, Func<TimeSpan>? remainingTime, CancellationToken cancellationToken)
    {
        var result = await functions.RunAsync(
            "award-rewards",
            questId,                                        // the one argument the call is idempotent on
            ct => GrantXpAsync(userId, xp, ct),
            remainingTime,
            cancellationToken);
        return result.Value;                                // result.IsReplayed: an earlier call already awarded it
    }
    #endregion

    private static Task<string> GrantXpAsync(string userId, int xp, CancellationToken cancellationToken) => Task.FromResult("rewards_awarded");
}
