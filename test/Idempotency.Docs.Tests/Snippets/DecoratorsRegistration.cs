namespace Snippets.Decorators;

internal static class DecoratorsRegistration
{
    public static async Task RunAsync(IServiceCollection services, IServiceProvider provider, CancellationToken cancellationToken)
    {
        #region snippet: decorators-registration
        services.AddIdempotency(o => o.AddPolicy("payments", p => p.Ttl = TimeSpan.FromDays(7)));
        services.AddIdempotent<IPayments, Payments>();        // generated: Payments behind PaymentsIdempotencyDecorator

        // Callers use the interface as before; a retry with the same order id gets the first receipt back.
        var payments = provider.GetRequiredService<IPayments>();
        var receipt = await payments.ChargeAsync("order-1234", 12.50m, cancellationToken);
        #endregion
        _ = receipt;
    }
}
