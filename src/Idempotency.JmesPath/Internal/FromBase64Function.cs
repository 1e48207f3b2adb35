using System.Text;
using DevLab.JmesPath.Functions;
using Newtonsoft.Json.Linq;

namespace Idempotency.JmesPath;

/// <summary>
/// <c>from_base64(value)</c>: decodes a base64 string to UTF-8 text, for bodies an envelope base64-encodes
/// (<c>from_json(from_base64(body)).orderId</c>). <c>null</c> gives <c>null</c>; any other non-string is an error.
/// </summary>
internal sealed class FromBase64Function : JmesPathFunction
{
    public const string FunctionName = "from_base64";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public FromBase64Function()
        : base(FunctionName, 1)
    {
    }

    public override JToken Execute(params JmesPathFunctionArgument[] args)
    {
        var token = args[0].Token;
        if (token.Type == JTokenType.Null)
        {
            return token;
        }

        if (token.Type != JTokenType.String)
        {
            throw new InvalidPayloadException($"holds a value passed to {FunctionName} that is not a string");
        }

        try
        {
            return new JValue(StrictUtf8.GetString(Convert.FromBase64String((string)token!)));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new InvalidPayloadException($"holds a string passed to {FunctionName} that is not base64-encoded UTF-8 text");
        }
    }
}
