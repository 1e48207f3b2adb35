namespace FunctionsDemo;

/// <summary>The demo's function handlers: plain code with side effects, made idempotent where they are created.</summary>
internal sealed class Handlers(Effects effects)
{
    private int _hangNext;

    public sealed record QuestCreated(string QuestId, string CreatedBy);

    public async Task<QuestCreated> CreateQuestAsync(string apiGatewayEvent, CancellationToken cancellationToken)
    {
        var body = System.Text.Json.JsonDocument.Parse(System.Text.Json.JsonDocument.Parse(apiGatewayEvent).RootElement.GetProperty("body").GetString()!);
        var questId = body.RootElement.GetProperty("questId").GetString()!;
        await Task.Delay(questId == "q-concurrent" ? 200 : 5, cancellationToken); // a database write
        effects.Ran("quest:" + questId);
        return new QuestCreated(questId, $"run {Guid.NewGuid():N}"[..12]);
    }

    public Task<int> AttestAsync(string apiGatewayEvent, CancellationToken cancellationToken)
    {
        var body = System.Text.Json.JsonDocument.Parse(System.Text.Json.JsonDocument.Parse(apiGatewayEvent).RootElement.GetProperty("body").GetString()!).RootElement;
        effects.Ran($"attestation:{body.GetProperty("questId").GetString()}/{body.GetProperty("userId").GetString()}");
        return Task.FromResult(1);
    }

    // Returns null: the user needs no welcome gift. A null result is a result, and replays as null.
    public Task<string?> CreateUserAsync(string signUpEvent, CancellationToken cancellationToken)
    {
        var sub = System.Text.Json.JsonDocument.Parse(signUpEvent).RootElement.GetProperty("request").GetProperty("userAttributes").GetProperty("sub").GetString();
        effects.Ran("user:" + sub);
        return Task.FromResult<string?>(null);
    }

    public async Task<int> AwardRewardAsync(Reward reward, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _hangNext, 0) == 1)
        {
            // A downstream call that never answers: the invocation runs into its timeout and the platform stops it.
            await Task.Delay(Timeout.Infinite, CancellationToken.None);
        }

        effects.Ran("reward:" + reward.RewardId);
        return reward.Xp;
    }

    public void HangNextReward() => Volatile.Write(ref _hangNext, 1);

    public sealed record Reward(string RewardId, string UserId, int Xp);
}
