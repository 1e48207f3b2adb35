#region snippet: decorators-powertools
using Idempotency.Decorators;
#endregion

namespace Snippets.Decorators.Powertools;

public sealed record Order(string OrderId, string Customer, decimal Amount);

public sealed record OrderResult(string OrderId, string Status);

#region snippet: decorators-powertools
// Powertools:  [Idempotent] public Task<OrderResult> ProcessOrder([IdempotencyKey] string orderId, Order order)
//              woven into the class by AspectInjector, configured by Idempotency.Configure(...).
// Here:        the same two attributes on the interface; a generated decorator, registered in the container.
public interface IOrderProcessor
{
    [Idempotent(Policy = "orders")]
    Task<OrderResult> ProcessOrderAsync([IdempotencyKey] string orderId, Order order, CancellationToken cancellationToken);

    // EventKeyJmesPath / PayloadValidationJmesPath: a JMESPath Key, and [IdempotencyFingerprint] on what must match.
    [Idempotent(Key = "[order.customer, order.orderId]", Policy = "orders")]
    Task<OrderResult> ResubmitAsync([IdempotencyFingerprint] Order order, string? traceId, CancellationToken cancellationToken);
}
#endregion
