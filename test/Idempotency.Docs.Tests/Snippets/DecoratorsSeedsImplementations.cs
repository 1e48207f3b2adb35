namespace Snippets.Decorators.Seeds;

// The implementations the seeds' snippets register. Not shown in the documentation.

public sealed class Quests : IQuests
{
    public Task<Amazon.Lambda.APIGatewayEvents.APIGatewayProxyResponse> HandleAsync(Amazon.Lambda.APIGatewayEvents.APIGatewayProxyRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new Amazon.Lambda.APIGatewayEvents.APIGatewayProxyResponse { StatusCode = 200, Body = request.Body });

    public Task<string> AwardQuestRewardsAsync(string questId, string userId, Rewards rewards, CancellationToken cancellationToken) =>
        Task.FromResult("rewards_awarded");
}

public sealed class FieldEvents : IFieldEvents
{
    public Task<string> HandleFieldCreatedAsync(EventEnvelope envelope, CancellationToken cancellationToken) => Task.FromResult("processed");
}
