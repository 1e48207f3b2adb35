#region snippet: functions-argument
using Idempotency.Functions;
#endregion

namespace Snippets;

internal sealed class FunctionsArgument(IIdempotentFunctions functions)
{
    #region snippet: functions-argument
    // Policy "distribute-rewards": p.KeyExpression = "@" (the argument itself), p.Ttl = 7 days.
    // Once per quest, whoever calls: a key must name everything that makes the work distinct.
    public async Task<string> DistributeQuestRewardsAsync(string questId, int xpPerParticipant, Func<TimeSpan>? remainingTime, CancellationToken cancellationToken)
    {
        var result = await functions.RunAsync(
            "distribute-rewards",
            questId,                                        // the one argument the call is idempotent on
            ct => GrantXpToParticipantsAsync(questId, xpPerParticipant, ct),
            remainingTime,
            cancellationToken);
        return result.Value;                                // result.IsReplayed: an earlier call already distributed them
    }
    #endregion

    private static Task<string> GrantXpToParticipantsAsync(string questId, int xp, CancellationToken cancellationToken) => Task.FromResult("rewards_distributed");
}
