using System.CommandLine;
using System.Globalization;

namespace Idempotency.Cli.Commands;

/// <summary>Bounds an integer option, reading its token itself: the parser's own conversion throws from a validator when the text is not an int (abc, 3000000000).</summary>
internal static class IntRange
{
    public static void Accept(Option<int> option, int min, int max, string message) => option.Validators.Add(result =>
    {
        if (result.Implicit)
        {
            return;
        }

        if (result.Tokens.Count != 1
            || !int.TryParse(result.Tokens[0].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            || value < min || value > max)
        {
            result.AddError(message);
        }
    });
}
