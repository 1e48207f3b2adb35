// Stand-ins for the two types of the function runtime's packages that docs/functions.md uses, which the package
// registry here does not serve: the snippet compiles against these exactly as a user's code compiles against the real
// ones (same namespaces, names and members). Nothing else in the repository refers to them.
namespace Amazon.Lambda.Core
{
    public interface ILambdaContext
    {
        TimeSpan RemainingTime { get; }
    }
}

namespace Amazon.Lambda.APIGatewayEvents
{
    public sealed class APIGatewayProxyRequest
    {
        public string? Body { get; set; }
    }

    public sealed class APIGatewayProxyResponse
    {
        public int StatusCode { get; set; }

        public string? Body { get; set; }
    }
}
