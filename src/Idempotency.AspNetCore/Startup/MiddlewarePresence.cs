namespace Idempotency.AspNetCore;

/// <summary>
/// Remembers whether <c>UseIdempotency()</c> was called anywhere in the application (a branch included), so start-up can
/// refuse endpoints that ask for idempotency in an application that never added the middleware.
/// </summary>
internal sealed class MiddlewarePresence
{
    private int _added;

    public bool Added => Volatile.Read(ref _added) != 0;

    public void MarkAdded() => Volatile.Write(ref _added, 1);
}
