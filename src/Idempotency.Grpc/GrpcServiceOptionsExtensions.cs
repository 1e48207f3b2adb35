using Grpc.AspNetCore.Server;

namespace Idempotency.Grpc;

/// <summary>Registers the idempotency interceptor with gRPC services.</summary>
public static class GrpcServiceOptionsExtensions
{
    /// <summary>
    /// Makes unary calls that carry an <c>idempotency-key</c> run once per key and scope, replaying the stored response
    /// to every retry. Needs the engine (<c>services.AddIdempotency()</c> and a store). Streaming calls are not affected.
    /// </summary>
    /// <param name="options">The gRPC service options (all services, or one service's).</param>
    /// <param name="configure">Configures which methods require a key, the policy and the scope.</param>
    /// <returns>The options.</returns>
    public static GrpcServiceOptions AddIdempotency(this GrpcServiceOptions options, Action<GrpcIdempotencyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var idempotency = new GrpcIdempotencyOptions();
        configure?.Invoke(idempotency);
        options.Interceptors.Add<IdempotencyServerInterceptor>(idempotency);
        return options;
    }
}
