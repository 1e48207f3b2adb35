using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Idempotency.Messaging.RabbitMQ.Tests;

// The retry-horizon check fails start-up before anything is consumed, so these need no broker.
public sealed class StartupTests
{
    [Fact]
    public async Task TtlShorterThanDeliveryLimitTimesMaxRequeueDelay_StartFailsNamingBothNumbersAndTheFix()
    {
        await using var services = ConsumerApp.Build(connection: null, "payments", o =>
        {
            o.DeliveryLimit = 10;
            o.MaxRequeueDelay = TimeSpan.FromMinutes(10);
            o.AddHandler("charge", (_, _, _) => ValueTask.CompletedTask);
        }, engine: o => o.DefaultPolicy.Ttl = TimeSpan.FromHours(1));

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => services.GetServices<IHostedService>().Single().StartAsync(CancellationToken.None));

        Assert.Equal(
            "Event types without their own TTL keep their records for 01:00:00, but the transport may redeliver a message for up to 01:40:00 " +
            "(RabbitMQ queue 'payments': DeliveryLimit 10 × MaxRequeueDelay 00:10:00): a redelivery after the record expired would run the handler again. " +
            "Raise the TTL (IdempotencyOptions.DefaultPolicy.Ttl) to at least 01:40:00, or shorten the redelivery horizon.",
            Assert.Single(ex.Failures));
    }

    [Fact]
    public async Task EventTypeTtlShorterThanTheToldHorizon_StartFailsNamingTheEventType()
    {
        await using var services = ConsumerApp.Build(connection: null, "orders", o =>
        {
            o.RetryHorizon = TimeSpan.FromDays(2);
            o.AddHandler("ship", "order.placed", (_, _, _) => ValueTask.CompletedTask);
        }, engine: o =>
        {
            o.DefaultPolicy.Ttl = TimeSpan.FromDays(7);
            o.OperationTtls["order.placed"] = TimeSpan.FromDays(1);
        });

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => services.GetServices<IHostedService>().Single().StartAsync(CancellationToken.None));

        var failure = Assert.Single(ex.Failures);
        Assert.StartsWith("Event type 'order.placed' ", failure, StringComparison.Ordinal);
        Assert.Contains(" for 1.00:00:00, but the transport may redeliver a message for up to 2.00:00:00 (RabbitMQ queue 'orders': RabbitMqConsumerOptions.RetryHorizon)", failure, StringComparison.Ordinal);
        Assert.Contains("IdempotencyOptions.OperationTtls[\"order.placed\"]", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoDeliveryLimitNorRetryHorizon_StartFailsAskingForOne()
    {
        await using var services = ConsumerApp.Build(connection: null, "payments", o =>
        {
            o.DeliveryLimit = 0;
            o.AddHandler("charge", (_, _, _) => ValueTask.CompletedTask);
        });

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => services.GetServices<IHostedService>().Single().StartAsync(CancellationToken.None));

        Assert.Contains(ex.Failures, f => f.StartsWith("RabbitMQ consumer of queue 'payments': RabbitMQ does not tell a consumer how long it redelivers a message", StringComparison.Ordinal)
            && f.Contains("Set DeliveryLimit to the quorum queue's x-delivery-limit, or RetryHorizon", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InvalidOptions_StartFailsListingEveryProblem()
    {
        await using var services = ConsumerApp.Build(connection: null, "payments", o =>
        {
            o.PrefetchCount = 4;
            o.ConcurrentDeliveries = 8;
            o.RequeueDelay = TimeSpan.FromSeconds(5);
            o.MaxRequeueDelay = TimeSpan.FromSeconds(1);
            o.AddHandler("charge", (_, _, _) => ValueTask.CompletedTask);
            o.AddHandler("charge", "payment.charged", (_, _, _) => ValueTask.CompletedTask);
            o.AddHandler("send email", (_, _, _) => ValueTask.CompletedTask);
        });

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => services.GetServices<IHostedService>().Single().StartAsync(CancellationToken.None));

        Assert.Equal(4, ex.Failures.Count());
        Assert.Contains(ex.Failures, f => f.Contains("The handler name 'send email' is not a valid operation name", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("ConcurrentDeliveries must be between 1 and PrefetchCount", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("MaxRequeueDelay must be between RequeueDelay", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("The handler name 'charge' is added twice", StringComparison.Ordinal));
    }

    [Fact]
    public void SameQueueTwice_RegistrationFails()
    {
        var builder = new ServiceCollection().AddIdempotency().AddIdempotentRabbitMqConsumer("payments", o => o.AddHandler("a", (_, _, _) => ValueTask.CompletedTask));

        var ex = Assert.Throws<InvalidOperationException>(() => builder.AddIdempotentRabbitMqConsumer("payments", o => o.AddHandler("b", (_, _, _) => ValueTask.CompletedTask)));

        Assert.Contains("already has an idempotent RabbitMQ consumer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoQueues_TheLongerHorizonIsChecked()
    {
        var services = new ServiceCollection();
        services.AddIdempotency()
            .AddIdempotentRabbitMqConsumer("fast", o => { o.DeliveryLimit = 5; o.AddHandler("a", (_, _, _) => ValueTask.CompletedTask); })
            .AddIdempotentRabbitMqConsumer("slow", o => { o.RetryHorizon = TimeSpan.FromHours(3); o.AddHandler("b", (_, _, _) => ValueTask.CompletedTask); });
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<IdempotentConsumerOptions>>().Value;

        Assert.Equal(TimeSpan.FromHours(3), options.RetryHorizon);
        Assert.Equal("RabbitMQ queue 'slow': RabbitMqConsumerOptions.RetryHorizon", options.RetryHorizonSource);
    }
}
