using System.Globalization;

namespace Idempotency.Cli.Output;

/// <summary>"1 record", "2 records": a count with its noun, singular or plural.</summary>
internal static class Counted
{
    public static string Of(long count, string singular, string? plural = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {(count == 1 ? singular : plural ?? singular + "s")}");
}
