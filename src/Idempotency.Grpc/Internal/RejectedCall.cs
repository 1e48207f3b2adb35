using System.Globalization;
using Grpc.Core;

namespace Idempotency.Grpc;

/// <summary>The gRPC status of each claim outcome that stops the call before the handler runs.</summary>
internal static class RejectedCall
{
    public static RpcException Create(IdempotencyClaim claim) => claim.Status switch
    {
        IdempotencyClaimStatus.InProgress => Retry(StatusCode.Aborted, "A call with this idempotency key is still running; retry after the delay in the retry-after trailer.", claim.RetryAfter),
        IdempotencyClaimStatus.StoreUnavailable => Retry(StatusCode.Unavailable, "The idempotency store is unavailable; retry later.", claim.RetryAfter),
        IdempotencyClaimStatus.KeyReused => new RpcException(new Status(StatusCode.FailedPrecondition, "The idempotency key was already used with a different request.")),
        IdempotencyClaimStatus.KeyInvalid => new RpcException(new Status(StatusCode.InvalidArgument, $"The idempotency key is invalid: {claim.Reason}")),
        IdempotencyClaimStatus.KeyMissing => new RpcException(new Status(StatusCode.InvalidArgument, $"This method requires the {GrpcIdempotencyMetadata.Key} metadata.")),
        IdempotencyClaimStatus.PreviouslyFailed => new RpcException(new Status(StatusCode.FailedPrecondition, $"The call with this idempotency key failed and the failure is remembered until {claim.ExpiresAt:O}.")),
        IdempotencyClaimStatus.ResultNotStored => new RpcException(new Status(StatusCode.FailedPrecondition, $"The call with this idempotency key ran but its result could not be kept: {claim.Reason}")),
        IdempotencyClaimStatus.RecordCorrupt => Corrupt(claim.Reason),
        _ => new RpcException(new Status(StatusCode.InvalidArgument, $"The call was refused ({claim.Status}).")),
    };

    public static RpcException Corrupt(string? reason) =>
        new(new Status(StatusCode.DataLoss, $"The stored result of this idempotency key cannot be read: {reason}"));

    // Both trailers: retry-after for people and HTTP-minded clients, the pushback one for gRPC clients' own retry policies.
    private static RpcException Retry(StatusCode code, string detail, TimeSpan retryAfter)
    {
        var trailers = new Metadata
        {
            { GrpcIdempotencyMetadata.RetryAfter, Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture) },
            { GrpcIdempotencyMetadata.RetryPushback, Math.Max(0, (long)retryAfter.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) },
        };
        return new RpcException(new Status(code, detail), trailers);
    }
}
