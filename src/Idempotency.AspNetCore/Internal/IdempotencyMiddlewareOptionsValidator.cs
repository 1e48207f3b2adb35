namespace Idempotency.AspNetCore;

/// <summary>Every problem of the middleware options, checked once at start-up.</summary>
internal static class IdempotencyMiddlewareOptionsValidator
{
    private const string SegmentCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/";

    public static IEnumerable<string> Errors(IdempotencyMiddlewareOptions options)
    {
        foreach (var (property, header) in new[] { (nameof(options.HeaderName), options.HeaderName), (nameof(options.ReplayedHeaderName), options.ReplayedHeaderName) }
            .Concat(options.LegacyHeaderNames.Select(n => (nameof(options.LegacyHeaderNames), n))))
        {
            if (!IsToken(header))
            {
                yield return $"{property} '{header}' is not a valid header name.";
            }
        }

        if (options.LegacyHeaderNames.Append(options.HeaderName).GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Any(g => g.Count() > 1))
        {
            yield return $"{nameof(options.LegacyHeaderNames)} must not repeat a header name or {nameof(options.HeaderName)}.";
        }

        if (string.IsNullOrEmpty(options.OperationName) || options.OperationName.Length > 100 || options.OperationName.AsSpan().IndexOfAnyExcept(SegmentCharacters) >= 0)
        {
            yield return $"{nameof(options.OperationName)} must be 1-100 characters of letters, digits, '.', '_', '-' or '/'.";
        }

        if (options.MaxRequestBodySize is < 0 or > int.MaxValue - 1024)
        {
            yield return $"{nameof(options.MaxRequestBodySize)} must be between 0 and {int.MaxValue - 1024}.";
        }

        if (options.MaxResponseBodySize is < 0 or > int.MaxValue - 1024)
        {
            yield return $"{nameof(options.MaxResponseBodySize)} must be between 0 and {int.MaxValue - 1024}.";
        }

        if (options.StoreServerErrors && options.StoreOnlySuccessfulResponses)
        {
            yield return $"{nameof(options.StoreServerErrors)} and {nameof(options.StoreOnlySuccessfulResponses)} contradict each other.";
        }

        if (options.PreviouslyFailedStatusCode is < 400 or > 499)
        {
            yield return $"{nameof(options.PreviouslyFailedStatusCode)} must be a 4xx status.";
        }

        if (!Enum.IsDefined(options.BodyFingerprint))
        {
            yield return $"{nameof(options.BodyFingerprint)} is not a defined value.";
        }

        var types = options.ProblemTypes;
        string[] typeValues = [types.KeyMissing, types.KeyInvalid, types.KeyReused, types.RequestInProgress, types.StoreUnavailable, types.RecordCorrupt, types.PreviouslyFailed, types.ResponseNotStored, types.RequestBodyTooLarge];
        if (typeValues.Any(string.IsNullOrWhiteSpace))
        {
            yield return $"Every {nameof(options.ProblemTypes)} URI must be set.";
        }
    }

    private static bool IsToken(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is <= ' ' or > '~' or '"' or '(' or ')' or ',' or '/' or ':' or ';' or '<' or '=' or '>' or '?' or '@' or '[' or '\\' or ']' or '{' or '}')
            {
                return false;
            }
        }

        return true;
    }
}
