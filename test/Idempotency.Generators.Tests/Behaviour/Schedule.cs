using Idempotency.Decorators;

namespace Idempotency.Generators.Tests.Behaviour;

// Keys the attack on issue 12 found read wrongly: a time (whose default text drops fractions of seconds), and a
// parameter named like the decorator's key helper.
public interface ISchedule
{
    [Idempotent(Key = "slot")]
    Task<int> BookAsync(DateTime slot);

    [Idempotent(Key = "at")]
    Task<int> RemindAsync(TimeOnly at);

    [Idempotent(Key = "id")]
    Task<int> CancelAsync(int id, [ExcludeFromFingerprint] Func<int, string?> KeyText);
}

public sealed class Schedule(RunLog log) : ISchedule
{
    public Task<int> BookAsync(DateTime slot) => Task.FromResult(log.Ran(nameof(BookAsync)));

    public Task<int> RemindAsync(TimeOnly at) => Task.FromResult(log.Ran(nameof(RemindAsync)));

    public Task<int> CancelAsync(int id, Func<int, string?> KeyText) => Task.FromResult(log.Ran(nameof(CancelAsync)));
}
