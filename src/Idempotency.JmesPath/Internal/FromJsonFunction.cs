using DevLab.JmesPath.Functions;
using Newtonsoft.Json.Linq;

namespace Idempotency.JmesPath;

/// <summary>
/// <c>from_json(value)</c>: parses a string that holds JSON (an HTTP body inside an event envelope) so the expression can
/// continue into it, as in <c>from_json(body).orderId</c>. <c>null</c> gives <c>null</c>; a value that is not a string
/// (a body an envelope already parsed) is returned unchanged.
/// </summary>
internal sealed class FromJsonFunction : JmesPathFunction
{
    public const string FunctionName = "from_json";

    public FromJsonFunction()
        : base(FunctionName, 1)
    {
    }

    public override JToken Execute(params JmesPathFunctionArgument[] args)
    {
        var token = args[0].Token;
        if (token.Type != JTokenType.String)
        {
            return token;
        }

        try
        {
            return JsonPayload.Parse((string)token!);
        }
        catch (InvalidPayloadException ex)
        {
            throw new InvalidPayloadException($"holds a string passed to {FunctionName} that {ex.Problem}");
        }
    }
}
