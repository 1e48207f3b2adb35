namespace Snippets;

internal static class Concepts
{
    public static void Configure(IServiceCollection services)
    {
        #region snippet: concepts-policies
        services.AddIdempotency(options =>
        {
            options.ServiceName = "billing";
            options.AddPolicy("payments", p => p.Ttl = TimeSpan.FromDays(7));
            options.OperationTtls["spellcheck.requested"] = TimeSpan.FromHours(1);
        });
        #endregion
    }
}
