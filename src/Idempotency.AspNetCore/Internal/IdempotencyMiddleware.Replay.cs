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

        var body = stored.Body;
        var decoded = false;
        foreach (var (name, values) in stored.Headers)
        {
            if (string.Equals(name, HeaderNames.ContentEncoding, StringComparison.OrdinalIgnoreCase) && !Negotiate(context, values, ref body, out decoded))
            {
                // Checked when stored, so only a damaged record gets here: never replay bytes the client cannot read.
                Log.StoredResponseCorrupt(_logger, storeKey, "its compressed body cannot be decoded.");
                await RecordCorruptAsync(context).ConfigureAwait(false);
                return;
            }
        }

        var response = context.Response;
        response.StatusCode = stored.Status;
        foreach (var (name, values) in stored.Headers)
        {
            // Filtered again on the way out, so a record written under a wider allow-list never replays a forbidden header.
            if (!_headerFilter.IsAllowed(name) || (decoded && string.Equals(name, HeaderNames.ContentEncoding, StringComparison.OrdinalIgnoreCase)))
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
    /// Decodes a stored compressed body when this retry does not accept its coding (<paramref name="decoded"/>: the coding
    /// must then not be replayed); <see langword="false"/> when it needed decoding and could not be decoded.
    /// </summary>
    private bool Negotiate(HttpContext context, StringValues coding, ref ReadOnlyMemory<byte> body, out bool decoded)
    {
        decoded = false;
        var name = coding.Count == 1 ? coding[0]?.Trim() : null;
        if (string.IsNullOrEmpty(name) || name.Equals("identity", StringComparison.OrdinalIgnoreCase) || ContentCoding.IsAccepted(context.Request.Headers.AcceptEncoding, name))
        {
            return true;
        }

        if (!ContentDecoder.TryDecode(name, body, _options.MaxResponseBodySize, out var plain))
        {
            return false;
        }

        body = plain;
        decoded = true;
        return true;
    }
}
