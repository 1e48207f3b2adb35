#region snippet: functions-lambda
using Amazon.Lambda.APIGatewayEvents;
using Amazon.Lambda.Core;
using Idempotency.Functions;
#endregion

namespace Snippets;

#region snippet: functions-lambda
public sealed class CreateQuestFunction
{
    // Built once per container, reused by every warm invocation (and its local cache with it).
    private static readonly IdempotentHandler<APIGatewayProxyRequest, APIGatewayProxyResponse> Handler =
        IdempotentFunctions.Create(o => o.AddPolicy("quest-creation", "from_json(body).questId", TimeSpan.FromHours(24)))
            .CreateHandler<APIGatewayProxyRequest, APIGatewayProxyResponse>("quest-creation", CreateQuestAsync);

    // The adapter is this one line: the event as it comes, and the context's remaining time.
    public Task<APIGatewayProxyResponse> FunctionHandler(APIGatewayProxyRequest request, ILambdaContext context) =>
        Handler.InvokeAsync(request, () => context.RemainingTime, CancellationToken.None);

    private static Task<APIGatewayProxyResponse> CreateQuestAsync(APIGatewayProxyRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new APIGatewayProxyResponse { StatusCode = 201, Body = request.Body });
}
#endregion
