using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Idempotency.AspNetCore;

internal sealed partial class IdempotencyMiddleware
{
    /// <summary>Writes the stored response: same status, body bytes and allowed headers, plus the replay header.</summary>
    private async Task ReplayAsync(HttpContext context, IdempotencyClaim claim)
    {
        var storeKey = claim.StoreKey!;
        DecodedResponse stored;
        string? problem;
        if (claim.ReplayKind != PayloadKind.Raw)
        {
            problem = $"the record holds a {claim.ReplayKind} payload, not an HTTP response.";
            stored = default;
        }
        else
        {
            StoredResponse.TryDecode(claim.ReplayBody, out stored, out problem);
        }

        if (problem is not null)
        {
            Log.StoredResponseCorrupt(_logger, storeKey, problem);
            await RecordCorruptAsync(context).ConfigureAwait(false);
            return;
        }

        if (stored.IsNotStored)
        {
            await ResponseNotStoredAsync(context, stored.Status, stored.NotStoredCap!.Value).ConfigureAwait(false);
            return;
        }

        var response = context.Response;
        response.StatusCode = stored.Status;
        foreach (var (name, values) in stored.Headers)
        {
            // Filtered again on the way out, so a record written under a wider allow-list never replays a forbidden header.
            if (_headerFilter.IsAllowed(name))
            {
                response.Headers[name] = values;
            }
        }

        response.Headers[_options.ReplayedHeaderName] = "true";
        response.ContentLength = stored.Body.Length;
        Log.ResponseReplayed(_logger, stored.Status, storeKey);
        if (stored.Body.Length > 0)
        {
            await response.Body.WriteAsync(stored.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private Task ResponseNotStoredAsync(HttpContext context, int originalStatus, long cap) =>
        ProblemResponse.WriteAsync(
            context,
            _options.PreviouslyFailedStatusCode,
            _types.ResponseNotStored,
            "Earlier response not stored",
            string.Create(CultureInfo.InvariantCulture, $"The earlier request with this idempotency key was processed (status {originalStatus}), but its response was larger than the {cap}-byte replay limit and cannot be returned again. The request was not processed again; use a new key only to repeat the operation."));
}
