using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Http;

namespace Idempotency.Grpc;

/// <summary>
/// Runs a unary call that carries a key once per key and scope: the first call runs the handler and stores its status
/// and response message (serialized by the method's own marshaller); every later call with the key gets them back,
/// with the <c>idempotent-replayed: true</c> trailer, without running the handler. The request message, serialized
/// the same way, is the fingerprint: a key reused with another request is refused.
/// </summary>
internal sealed class IdempotencyServerInterceptor(IIdempotencyExecutor executor, GrpcIdempotencyOptions options) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var (key, problem) = CallKey.Read(context.RequestHeaders);
        var required = KeyRequired(context.Method);
        if (key is null && problem is null && !required)
        {
            return await continuation(request, context).ConfigureAwait(false);
        }

        var method = MethodOf<TRequest, TResponse>(context);
        string? fingerprint = null, scope = null;
        if (key is not null)
        {
            fingerprint = ContentHash.Compute(MessageBytes.Serialize(method.RequestMarshaller, request));
            scope = options.ScopeResolver is { } resolver ? resolver(context) : DefaultScope(context);
        }

        var idempotencyRequest = new IdempotencyRequest(context.Method, key)
        {
            Scope = scope,
            Fingerprint = fingerprint,
            Policy = options.Policy,
            KeyRequirement = required ? KeyRequirement.Required : null,
            KeyProblem = problem,
        };

        IdempotencyClaim claim;
        try
        {
            claim = await executor.BeginAsync(idempotencyRequest, context.CancellationToken).ConfigureAwait(false);
        }
        catch (IdempotencyStoreUnavailableException)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "The idempotency store is unavailable; retry later."));
        }

        await using (claim.ConfigureAwait(false))
        {
            return claim.Status switch
            {
                IdempotencyClaimStatus.Replayed => Replay(claim, method, context),
                IdempotencyClaimStatus.Acquired => await RunAsync(claim, method, request, context, continuation).ConfigureAwait(false),
                IdempotencyClaimStatus.WithoutKey or IdempotencyClaimStatus.FailedOpen => await continuation(request, context).ConfigureAwait(false),
                _ => throw RejectedCall.Create(claim),
            };
        }
    }

    private static async Task<TResponse> RunAsync<TRequest, TResponse>(IdempotencyClaim claim, Method<TRequest, TResponse> method, TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        where TRequest : class
        where TResponse : class
    {
        TResponse response;
        try
        {
            response = await continuation(request, context).ConfigureAwait(false);
        }
        catch (RpcException ex) when (IsDefinitive(ex.StatusCode))
        {
            // The handler answered the request itself (not found, invalid, ...): the same request gets the same answer.
            await claim.CompleteRawAsync(new StoredCall(ex.StatusCode, ex.Status.Detail, ReadOnlyMemory<byte>.Empty).Encode(), CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        catch (Exception ex)
        {
            // Transient or unexpected: released (or remembered, as the policy says), so a retry runs again.
            await claim.FailAsync(ex, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        // The handler has run: its completion is not the caller's to cancel.
        var message = MessageBytes.Serialize(method.ResponseMarshaller, response);
        await claim.CompleteRawAsync(new StoredCall(StatusCode.OK, string.Empty, message).Encode(), CancellationToken.None).ConfigureAwait(false);
        return response;
    }

    private static TResponse Replay<TRequest, TResponse>(IdempotencyClaim claim, Method<TRequest, TResponse> method, ServerCallContext context)
        where TRequest : class
        where TResponse : class
    {
        if (!claim.TryGetReplayedRaw(out var raw) || StoredCall.Decode(raw) is not { } stored)
        {
            throw RejectedCall.Corrupt("the record was not written by the gRPC interceptor.");
        }

        var trailer = new Metadata.Entry(GrpcIdempotencyMetadata.Replayed, "true");
        if (stored.Code != StatusCode.OK)
        {
            throw new RpcException(new Status(stored.Code, stored.Detail), [trailer]);
        }

        context.ResponseTrailers.Add(trailer);
        return MessageBytes.Deserialize(method.ResponseMarshaller, stored.Message);
    }

    // Statuses that describe the request rather than the moment: replaying them is what a retry should get.
    private static bool IsDefinitive(StatusCode code) => code is
        StatusCode.InvalidArgument or StatusCode.NotFound or StatusCode.AlreadyExists or StatusCode.PermissionDenied
        or StatusCode.FailedPrecondition or StatusCode.OutOfRange or StatusCode.Unimplemented;

    private bool KeyRequired(string fullMethod)
    {
        if (options.RequireKeyFor.Count == 0)
        {
            return false;
        }

        // "/package.Service/Method": the service is between the slashes.
        var slash = fullMethod.LastIndexOf('/');
        return options.RequireKeyFor.Contains(fullMethod) || (slash > 1 && options.RequireKeyFor.Contains(fullMethod[1..slash]));
    }

    private static Method<TRequest, TResponse> MethodOf<TRequest, TResponse>(ServerCallContext context)
        where TRequest : class
        where TResponse : class =>
        context.GetHttpContext().GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method as Method<TRequest, TResponse>
        ?? throw new InvalidOperationException($"The gRPC method {context.Method} has no marshallers in its endpoint metadata: the idempotency interceptor runs only in ASP.NET Core gRPC services.");

    private static string? DefaultScope(ServerCallContext context)
    {
        var user = context.GetHttpContext().User;
        return PrincipalScope.TryResolve(user, out var scope)
            ? scope
            : throw new InvalidOperationException(
                $"The call is authenticated ({PrincipalScope.Schemes(user)}) but its principal has no NameIdentifier or 'sub' claim, so the default " +
                "idempotency scope cannot tell it from other callers, and it must not share the anonymous scope. Set " +
                $"{nameof(GrpcIdempotencyOptions)}.{nameof(GrpcIdempotencyOptions.ScopeResolver)} (o.AddIdempotency(i => i.ScopeResolver = context => ...)), " +
                "or have the authentication handler add a NameIdentifier or 'sub' claim.");
    }
}
