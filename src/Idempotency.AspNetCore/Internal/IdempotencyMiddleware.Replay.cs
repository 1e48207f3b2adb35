using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

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
        var body = stored.Body;
        foreach (var (name, values) in stored.Headers)
        {
            // Filtered again on the way out, so a record written under a wider allow-list never replays a forbidden header.
            if (!_headerFilter.IsAllowed(name))
            {
                continue;
            }

            if (string.Equals(name, HeaderNames.ContentEncoding, StringComparison.OrdinalIgnoreCase) && Negotiate(context, values, ref body))
            {
                continue;
            }

            response.Headers[name] = values;
        }

        response.Headers[_options.ReplayedHeaderName] = "true";
        Log.ResponseReplayed(_logger, stored.Status, storeKey);
        if (stored.Status is StatusCodes.Status204NoContent or StatusCodes.Status304NotModified)
        {
            // These never carry a body; the server would refuse one.
            return;
        }

        response.ContentLength = body.Length;
        if (body.Length > 0)
        {
            await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Replays a stored compressed body decoded when this retry does not accept its coding; <see langword="true"/> when
    /// the body was decoded and the coding must not be replayed.
    /// </summary>
    private bool Negotiate(HttpContext context, StringValues coding, ref ReadOnlyMemory<byte> body)
    {
        if (coding.Count != 1 || string.IsNullOrEmpty(coding[0]) || ContentCoding.IsAccepted(context.Request.Headers.AcceptEncoding, coding[0]!))
        {
            return false;
        }

        if (!ContentCoding.TryDecode(coding[0]!, body, _options.MaxResponseBodySize, out var decoded))
        {
            return false;
        }

        body = decoded;
        return true;
    }
}
