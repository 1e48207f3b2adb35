namespace Idempotency.Tests.Execution;

/// <summary>A first execution that has claimed its key and waits, inside the operation, until the test lets it finish.</summary>
internal sealed class BlockedRun : IAsyncDisposable
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _failure;
    private int _runs;

    private BlockedRun()
    {
    }

    public Task<IdempotencyResult<int>> Task { get; private set; } = null!;

    public int Runs => Volatile.Read(ref _runs);

    public static async Task<BlockedRun> StartAsync(EngineHarness harness, IdempotencyRequest request, int value) =>
        await StartAsync(harness.Executor, request, value);

    public static async Task<BlockedRun> StartAsync(IIdempotencyExecutor executor, IdempotencyRequest request, int value)
    {
        var run = new BlockedRun();
        run.Task = System.Threading.Tasks.Task.Run(() => executor.ExecuteAsync(
            request,
            async _ =>
            {
                Interlocked.Increment(ref run._runs);
                run._started.TrySetResult();
                await run._gate.Task;
                return run._failure is { } failure ? throw failure : value;
            },
            CancellationToken.None).AsTask());
        var first = await System.Threading.Tasks.Task.WhenAny(run._started.Task, run.Task).WaitAsync(Waits.Limit);
        if (first == run.Task)
        {
            await run.Task; // surfaces why it never started
        }

        return run;
    }

    public void Release() => _gate.TrySetResult();

    public void Fail(Exception exception)
    {
        _failure = exception;
        _gate.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        _gate.TrySetResult();
        try
        {
            await Task.WaitAsync(Waits.Limit);
        }
        catch (Exception)
        {
            // The test asserts the outcome it cares about; disposal only makes sure nothing is left running.
        }
    }
}
