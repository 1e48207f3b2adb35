using Microsoft.Extensions.DependencyInjection;

namespace Idempotency.Generators.Tests.Behaviour;

// The key of a generated decorator is the value the attribute names, in full: found by the attack on issue 12.
public sealed class KeyTextTests
{
    [Fact]
    public async Task BookAsync_SlotsWithinOneSecond_AreTwoKeys()
    {
        await using var provider = Services();
        var schedule = provider.GetRequiredService<ISchedule>();
        var slot = new DateTime(2026, 12, 1, 9, 30, 0, DateTimeKind.Utc);

        var first = await schedule.BookAsync(slot);
        var second = await schedule.BookAsync(slot.AddMilliseconds(250));
        var again = await schedule.BookAsync(slot);

        Assert.Equal([1, 2, 1], [first, second, again]);
        Assert.Equal(2, provider.GetRequiredService<RunLog>().Count(nameof(ISchedule.BookAsync)));
    }

    [Fact]
    public async Task RemindAsync_TimesWithinOneMinute_AreTwoKeys()
    {
        await using var provider = Services();
        var schedule = provider.GetRequiredService<ISchedule>();

        var first = await schedule.RemindAsync(new TimeOnly(9, 30, 0));
        var second = await schedule.RemindAsync(new TimeOnly(9, 30, 15));

        Assert.Equal([1, 2], [first, second]);
    }

    [Fact]
    public async Task CancelAsync_ParameterNamedKeyText_DoesNotReplaceTheKey()
    {
        await using var provider = Services();
        var schedule = provider.GetRequiredService<ISchedule>();

        var first = await schedule.CancelAsync(1, _ => "same");
        var second = await schedule.CancelAsync(2, _ => "same");
        var again = await schedule.CancelAsync(1, _ => "other");

        Assert.Equal([1, 2, 1], [first, second, again]);
    }

    private static ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IIdempotencyStore>(new InMemoryIdempotencyStore());
        services.AddSingleton<RunLog>();
        services.AddIdempotency();
        services.AddIdempotent<ISchedule, Schedule>();
        return services.BuildServiceProvider();
    }
}
