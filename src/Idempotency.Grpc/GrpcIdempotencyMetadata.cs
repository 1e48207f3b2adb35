namespace Idempotency.Grpc;

/// <summary>The metadata names the interceptors read and write (gRPC metadata keys are lower case).</summary>
public static class GrpcIdempotencyMetadata
{
    /// <summary>The request metadata entry that carries the key.</summary>
    public const string Key = "idempotency-key";

    /// <summary>The trailer set to <c>true</c> on a replayed call.</summary>
    public const string Replayed = "idempotent-replayed";

    /// <summary>The trailer with the seconds to wait before retrying (on <c>ABORTED</c> and <c>UNAVAILABLE</c>).</summary>
    public const string RetryAfter = "retry-after";

    /// <summary>
    /// The trailer gRPC clients' own retry policies honour: the milliseconds to wait before the next attempt
    /// (<c>grpc-retry-pushback-ms</c>), sent beside <see cref="RetryAfter"/>.
    /// </summary>
    public const string RetryPushback = "grpc-retry-pushback-ms";
}
