using NATS.Client.JetStream.Models;

namespace Idempotency.Messaging.Nats.Tests;

// The redelivery horizon is what JetStream's own settings make it: MaxDeliver deliveries, each waiting its BackOff step
// (the last repeating) or AckWait for an answer.
public sealed class RedeliveryScheduleTests
{
    [Fact]
    public void Horizon_WithoutBackOff_IsMaxDeliverTimesAckWait()
    {
        var schedule = new RedeliverySchedule("billing", new ConsumerConfig { AckWait = TimeSpan.FromSeconds(30), MaxDeliver = 5 });

        Assert.Equal(TimeSpan.FromSeconds(150), schedule.Horizon);
        Assert.Equal(TimeSpan.FromSeconds(30), schedule.WaitAfter(3));
        Assert.Equal("JetStream consumer 'billing': MaxDeliver 5, AckWait 30s", schedule.Describe());
    }

    [Fact]
    public void Horizon_WithBackOff_AddsTheStepsAndRepeatsTheLast()
    {
        var schedule = new RedeliverySchedule("billing", new ConsumerConfig
        {
            AckWait = TimeSpan.FromHours(1),
            MaxDeliver = 5,
            Backoff = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)],
        });

        Assert.Equal(TimeSpan.FromSeconds(1 + 5 + 30 + 30 + 30), schedule.Horizon);
        Assert.Equal(TimeSpan.FromSeconds(1), schedule.WaitAfter(1));
        Assert.Equal(TimeSpan.FromSeconds(30), schedule.WaitAfter(5));
        Assert.Equal(TimeSpan.FromSeconds(1), schedule.ShortestWait);
        Assert.Equal("JetStream consumer 'billing': MaxDeliver 5, BackOff 1s,5s,30s", schedule.Describe());
    }

    [Fact]
    public void Horizon_UnlimitedDeliveries_IsNone()
    {
        var schedule = new RedeliverySchedule("billing", new ConsumerConfig { AckWait = TimeSpan.FromSeconds(30), MaxDeliver = -1 });

        Assert.Null(schedule.Horizon);
        Assert.False(schedule.IsLast(1_000_000));
        Assert.Contains("MaxDeliver unlimited", schedule.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Horizon_HugeMaxDeliver_SaturatesInsteadOfOverflowing()
    {
        var schedule = new RedeliverySchedule("billing", new ConsumerConfig { AckWait = TimeSpan.FromDays(1), MaxDeliver = long.MaxValue });

        Assert.Equal(TimeSpan.MaxValue, schedule.Horizon);
    }

    [Theory]
    [InlineData(500, "500ms")]
    [InlineData(1_000, "1s")]
    [InlineData(90_000, "1m30s")]
    [InlineData(3_600_000, "1h")]
    [InlineData(26 * 3_600_000, "26h")]
    [InlineData(1_500, "1.5s")]
    public void Format_WritesDurationsAsNatsDoes(int milliseconds, string expected) =>
        Assert.Equal(expected, RedeliverySchedule.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
