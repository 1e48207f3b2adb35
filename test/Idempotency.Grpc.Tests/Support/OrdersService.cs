using Grpc.Core;

namespace Idempotency.Grpc.Tests;

/// <summary>The service under test: every run makes a new order id, so a second run can never pass for a replay.</summary>
public sealed class OrdersService(OrderProbe probe) : Orders.OrdersBase
{
    public override async Task<OrderReply> PlaceOrder(PlaceOrderRequest request, ServerCallContext context)
    {
        var run = probe.Run(context);
        if (probe.Gate is { } gate)
        {
            await gate.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        if (run <= probe.FailFirstRuns)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "try again"));
        }

        if (probe.FailWith is { } code)
        {
            throw new RpcException(new Status(code, $"no {request.Item}"));
        }

        return new OrderReply { OrderId = Guid.NewGuid().ToString("N"), Run = run };
    }
}
