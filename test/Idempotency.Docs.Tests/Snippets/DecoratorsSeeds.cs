#region snippet: decorators-seeds
using Amazon.Lambda.APIGatewayEvents;
using Idempotency.Decorators;
#endregion

namespace Snippets.Decorators.Seeds;

public sealed record Rewards(int Xp, int Reputation);

public sealed record EventEnvelope(string EventId, string EventType, string Payload);

#region snippet: decorators-seeds
public interface IQuests
{
    // @make_idempotent(event_key_jmespath="body.questId") on handler(event, context)
    [Idempotent(Key = "from_json(request.body).questId", Policy = "quests")]
    Task<APIGatewayProxyResponse> HandleAsync(APIGatewayProxyRequest request, CancellationToken cancellationToken);

    // @make_idempotent_function(data_keyword_argument="quest_id") on award_quest_rewards(quest_id, user_id, rewards)
    [Idempotent(Key = "questId", Policy = "quests")]
    Task<string> AwardQuestRewardsAsync(string questId, string userId, Rewards rewards, CancellationToken cancellationToken);
}

public interface IFieldEvents
{
    // @idempotent_event_handler(ttl_seconds=3600) on handle_event(envelope)
    [Idempotent(Key = "envelope.EventId", Policy = "events-1h")]
    Task<string> HandleFieldCreatedAsync(EventEnvelope envelope, CancellationToken cancellationToken);
}
#endregion
