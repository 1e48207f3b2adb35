using Grpc.Core;

namespace Idempotency.Grpc;

/// <summary>How the server interceptor treats unary calls.</summary>
public sealed class GrpcIdempotencyOptions
{
    /// <summary>
    /// Gets the services (<c>package.Service</c>) and methods (<c>/package.Service/Method</c>) whose calls must carry a
    /// key: a call to one of them without a key is refused with <c>INVALID_ARGUMENT</c>. Calls to other methods
    /// without a key run normally.
    /// </summary>
    public ISet<string> RequireKeyFor { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the engine policy to apply; the default policy when <see langword="null"/>.</summary>
    public string? Policy { get; set; }

    /// <summary>
    /// Gets or sets the scope that isolates keys. By default the authenticated principal, as the HTTP middleware scopes
    /// it (an authenticated caller without a NameIdentifier or <c>sub</c> claim is refused); anonymous callers share one scope.
    /// </summary>
    public Func<ServerCallContext, string?>? ScopeResolver { get; set; }
}
