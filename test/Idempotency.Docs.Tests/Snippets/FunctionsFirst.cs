#region snippet: functions-first
using Idempotency.Functions;
#endregion

namespace Snippets;

internal static class FunctionsFirst
{
    public static async Task<Quest> RunAsync(IServiceCollection services, IServiceProvider provider, string apiGatewayEventJson, Func<TimeSpan> remainingTime, CancellationToken cancellationToken)
    {
        #region snippet: functions-first
        // At start-up: name the policy once — where the key is in the event, how long records live.
        services.AddIdempotency(o => o.ServiceName = "quests")
            .AddIdempotentFunctions(o => o.AddPolicy("quest-creation", "from_json(body).questId", TimeSpan.FromHours(24)));

        // Once per handler: wrap it. CreateQuestAsync is your code: Task<Quest> CreateQuestAsync(string evt, CancellationToken ct).
        var functions = provider.GetRequiredService<IIdempotentFunctions>();
        var createQuest = functions.CreateHandler<string, Quest>("quest-creation", CreateQuestAsync);

        // Per invocation: the raw event and the time the invocation has left.
        Quest quest = await createQuest.InvokeAsync(apiGatewayEventJson, remainingTime, cancellationToken);
        #endregion
        return quest;
    }

    private static Task<Quest> CreateQuestAsync(string evt, CancellationToken cancellationToken) => Task.FromResult(new Quest("q-1", "Clean the park"));
}

internal sealed record Quest(string QuestId, string Title);
