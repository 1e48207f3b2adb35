namespace Snippets;

internal static class MessagingRegistration
{
    public static void Register(WebApplicationBuilder builder)
    {
        #region snippet: messaging-registration
        builder.Services.AddIdempotency(o =>
        {
            o.ServiceName = "billing";                                   // records of two services never collide
            o.OperationTtls["payment.charged"] = TimeSpan.FromDays(3);   // TTL per event type; others use DefaultPolicy.Ttl
        }).AddIdempotentConsumer(o => o.RetryHorizon = TimeSpan.FromDays(1));
        #endregion
    }
}
