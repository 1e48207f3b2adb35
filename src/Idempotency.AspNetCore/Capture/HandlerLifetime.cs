using Microsoft.AspNetCore.Http.Features;

namespace Idempotency.AspNetCore;

/// <summary>
/// The request lifetime seen by the handler, recording whether it called <c>HttpContext.Abort()</c>. An aborted response
/// is incomplete however much of it was written, so it must never be stored as the answer to the key.
/// </summary>
internal sealed class HandlerLifetime(IHttpRequestLifetimeFeature inner) : IHttpRequestLifetimeFeature
{
    public IHttpRequestLifetimeFeature Inner => inner;

    /// <summary>Gets a value indicating whether the handler aborted the connection.</summary>
    public bool Aborted { get; private set; }

    public CancellationToken RequestAborted
    {
        get => inner.RequestAborted;
        set => inner.RequestAborted = value;
    }

    public void Abort()
    {
        Aborted = true;
        inner.Abort();
    }
}
