namespace Snippets.Decorators.Seeds;

internal static class DecoratorsSeedsPolicies
{
    public static void Configure(IServiceCollection services)
    {
        #region snippet: decorators-seeds-policies
        // expires_after_seconds / ttl_seconds become policies; service_name is the engine's ServiceName.
        services.AddIdempotency(o =>
        {
            o.ServiceName = "quest-service";
            o.AddPolicy("quests", p => p.Ttl = TimeSpan.FromHours(24));
            o.AddPolicy("events-1h", p => p.Ttl = TimeSpan.FromHours(1));
        });
        services.AddIdempotent<IQuests, Quests>();
        services.AddIdempotent<IFieldEvents, FieldEvents>();
        #endregion
    }
}
