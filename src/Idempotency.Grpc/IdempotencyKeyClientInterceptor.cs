using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Idempotency.Grpc;

/// <summary>
/// Adds one <c>idempotency-key</c> to each unary call that has none. The key is made here, once per logical call:
/// a channel's retry policy (and hedging) re-sends the call below the interceptors, so every attempt carries the same
/// key and the server runs the call once. A call that already carries a key keeps it (to retry across channels or
/// process restarts, send your own).
/// </summary>
public sealed class IdempotencyKeyClientInterceptor : Interceptor
{
    private readonly Func<string> _newKey;

    /// <summary>Initializes a new instance of the <see cref="IdempotencyKeyClientInterceptor"/> class that makes random keys (GUIDs).</summary>
    public IdempotencyKeyClientInterceptor()
        : this(static () => Guid.NewGuid().ToString("N"))
    {
    }

    /// <summary>Initializes a new instance of the <see cref="IdempotencyKeyClientInterceptor"/> class.</summary>
    /// <param name="newKey">Makes a key for a call that has none.</param>
    public IdempotencyKeyClientInterceptor(Func<string> newKey)
    {
        ArgumentNullException.ThrowIfNull(newKey);
        _newKey = newKey;
    }

    /// <inheritdoc/>
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return continuation(request, WithKey(context));
    }

    /// <inheritdoc/>
    public override TResponse BlockingUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return continuation(request, WithKey(context));
    }

    private ClientInterceptorContext<TRequest, TResponse> WithKey<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class
        where TResponse : class
    {
        var headers = context.Options.Headers;
        if (headers?.Get(GrpcIdempotencyMetadata.Key) is not null)
        {
            return context;
        }

        // A copy: the caller's Metadata may be shared between calls, and each call needs its own key.
        var withKey = new Metadata();
        if (headers is not null)
        {
            foreach (var entry in headers)
            {
                withKey.Add(entry);
            }
        }

        withKey.Add(GrpcIdempotencyMetadata.Key, _newKey());
        return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithHeaders(withKey));
    }
}
