using Microsoft.AspNetCore.Http.Features;

namespace Idempotency.AspNetCore;

/// <summary>
/// The request lifetime (and, on HTTP/2 and HTTP/3, the stream reset) seen by the handler, recording whether it called
/// <c>HttpContext.Abort()</c> or reset its stream. Such a response is incomplete however much of it was written, so it
/// must never be stored as the answer to the key.
/// </summary>
internal sealed class HandlerLifetime(IHttpRequestLifetimeFeature inner, IHttpResetFeature? reset) : IHttpRequestLifetimeFeature, IHttpResetFeature
{
    /// <summary>Gets a value indicating whether the handler aborted the connection or reset the stream.</summary>
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

    public void Reset(int errorCode)
    {
        Aborted = true;
        reset!.Reset(errorCode);
    }

    /// <summary>Puts itself in the handler's way.</summary>
    public void Install(IFeatureCollection features)
    {
        features.Set<IHttpRequestLifetimeFeature>(this);
        if (reset is not null)
        {
            features.Set<IHttpResetFeature>(this);
        }
    }

    /// <summary>Gives the server's own features back.</summary>
    public void Uninstall(IFeatureCollection features)
    {
        features.Set(inner);
        if (reset is not null)
        {
            features.Set(reset);
        }
    }
}
