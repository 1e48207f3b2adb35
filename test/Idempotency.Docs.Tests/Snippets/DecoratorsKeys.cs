#region snippet: decorators-keys
using Idempotency.Decorators;
#endregion

namespace Snippets.Decorators.Keys;

public sealed record Customer(string Id, string Country);

public sealed record Order(Guid Id, Customer Customer, decimal Total, DateTimeOffset SubmittedAt);

#region snippet: decorators-keys
public interface IOrders
{
    // A parameter: a string, or any IFormattable (number, Guid, enum), written with the invariant culture.
    [Idempotent(Key = "orderId")]
    Task<int> CancelAsync(Guid orderId, CancellationToken cancellationToken);

    // The same, marked on the parameter.
    [Idempotent]
    Task<int> ConfirmAsync([IdempotencyKey] Guid orderId, CancellationToken cancellationToken);

    // A path of members, checked when the project compiles; a null link on the way means no key.
    [Idempotent(Key = "order.Id")]
    Task<int> PlaceAsync(Order order, CancellationToken cancellationToken);

    // Anything else is JMESPath over the arguments as one JSON object named by parameter (needs Idempotency.JmesPath).
    // A timestamp that differs on every retry must not make a retry look like another request: leave it out.
    [Idempotent(Key = "[order.customer.id, order.id]")]
    Task<int> ReserveAsync(Order order, [ExcludeFromFingerprint] DateTimeOffset requestedAt);

    // Only the marked arguments are fingerprinted: a reused key must come with the same amount.
    [Idempotent(Key = "paymentId")]
    Task<int> RefundAsync(string paymentId, [IdempotencyFingerprint] decimal amount, string? comment);
}
#endregion
