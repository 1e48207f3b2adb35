using Microsoft.AspNetCore.Http;

namespace Idempotency.AspNetCore;

internal sealed partial class IdempotencyMiddleware
{
    /// <summary>Writes the stored response: same status, body bytes and allowed headers, plus the replay header.</summary>
    private async Task ReplayAsync(HttpContext context, IdempotencyClaim claim)
    {
        var storeKey = claim.StoreKey!;
        DecodedResponse stored = default;
        var problem = "the record holds a typed value, not an HTTP response.";
        if (claim.TryGetReplayedRaw(out var raw))
        {
            StoredResponse.TryDecode(raw, out stored, out problem);
        }

        if (problem is not null)
        {
            Log.StoredResponseCorrupt(_logger, storeKey, problem);
            await RecordCorruptAsync(context).ConfigureAwait(false);
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
}
