using System.Globalization;

namespace Idempotency.JmesPath.Tests;

public sealed class JmesPathKeySelectorConcurrencyTests
{
    [Fact]
    public async Task Select_OneSelectorFromManyThreads_EveryCallGetsItsOwnAnswer()
    {
        // `$` and `let` keep per-evaluation state inside a parsed JmesPath.Net expression, so this expression fails
        // under contention unless each evaluation has its own copy.
        var selector = new JmesPathKeySelector(
            "let $b = from_json(body) in [$b.userId, $.requestContext.requestId, $b.orderId]",
            "let $b = from_json(body) in {amount: $b.amount, user: $b.userId}");
        const int Workers = 8;
        const int Iterations = 1500;
        var failures = 0;
        using var start = new Barrier(Workers);

        var tasks = Enumerable.Range(0, Workers).Select(worker => RunOnOwnThread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < Iterations; i++)
            {
                var user = string.Create(CultureInfo.InvariantCulture, $"u{worker}");
                var order = string.Create(CultureInfo.InvariantCulture, $"o{i}");
                var request = string.Create(CultureInfo.InvariantCulture, $"r{worker}-{i}");
                var body = $$"""{\"orderId\":\"{{order}}\",\"userId\":\"{{user}}\",\"amount\":{{i}}}""";
                var payload = $$"""{"requestContext":{"requestId":"{{request}}"},"body":"{{body}}"}""";

                var selection = selector.Select(payload);

                var expectedKey = IdempotencyKeys.Composite(user, request, order);
                var expectedFingerprint = ContentHash.ComputeCanonicalJson(System.Text.Encoding.UTF8.GetBytes($$"""{"amount":{{i}},"user":"{{user}}"}"""));
                if (selection.Key != expectedKey || selection.Fingerprint != expectedFingerprint)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks);

        Assert.Equal(0, failures);
    }

    [Fact]
    public async Task Select_ManyThreadsSomeFailing_FailuresDoNotLeakIntoOtherCalls()
    {
        var selector = new JmesPathKeySelector("let $n = length(id) in [$n, $.id]");
        const int Workers = 8;
        const int Iterations = 1000;
        var wrong = 0;
        var errors = 0;
        using var start = new Barrier(Workers);

        var tasks = Enumerable.Range(0, Workers).Select(worker => RunOnOwnThread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < Iterations; i++)
            {
                if ((i + worker) % 3 == 0)
                {
                    try
                    {
                        selector.Select("""{"id":5}""");
                        Interlocked.Increment(ref wrong);
                    }
                    catch (IdempotencyKeyInvalidException)
                    {
                        Interlocked.Increment(ref errors);
                    }

                    continue;
                }

                var id = new string('a', 1 + (i % 9));
                var key = selector.Select($$"""{"id":"{{id}}"}""").Key;
                if (key != IdempotencyKeys.Composite(id.Length.ToString(CultureInfo.InvariantCulture), id))
                {
                    Interlocked.Increment(ref wrong);
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks);

        Assert.Equal(0, wrong);
        Assert.Equal(Enumerable.Range(0, Workers).Sum(w => Enumerable.Range(0, Iterations).Count(i => (i + w) % 3 == 0)), errors);
    }

    /// <summary>Runs on a dedicated thread, so more threads than cores contend and the scheduler preempts them mid-call.</summary>
    private static Task RunOnOwnThread(Action work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
