using Microsoft.Extensions.DependencyInjection;

namespace Idempotency.PayloadProtection;

/// <summary>An engine over a given store, with an AES-GCM key ring (or none), and the administrator that names its store keys.</summary>
public sealed class ProtectedEngine : IDisposable
{
    public const string Operation = "protected";

    private readonly ServiceProvider _services;

    private readonly RunCount _runs;

    private ProtectedEngine(ServiceProvider services, RunCount runs) => (_services, _runs) = (services, runs);

    public IIdempotencyExecutor Executor => _services.GetRequiredService<IIdempotencyExecutor>();

    /// <summary>An engine whose ring holds <paramref name="keys"/> (id, base64), the first active; no protection without keys.</summary>
    public static ProtectedEngine Create(IIdempotencyStore store, RunCount runs, int compressionThreshold, params (string Id, string Key)[] keys)
    {
        var services = new ServiceCollection();
        services.AddSingleton(store);
        var idempotency = services.AddIdempotency(o =>
        {
            o.ServiceName = "protection-tests";
            o.CompressionThreshold = compressionThreshold;
            o.DefaultPolicy.RememberFailure = static ex => ex is InvalidOperationException;
        });
        if (keys.Length > 0)
        {
            idempotency.AddAesGcmPayloadProtection(ring =>
            {
                foreach (var (id, key) in keys)
                {
                    ring.Keys[id] = key;
                }

                ring.ActiveKeyId = keys[0].Id;
            });
        }

        return new ProtectedEngine(services.BuildServiceProvider(validateScopes: true), runs);
    }

    public string StoreKey(string key) => _services.GetRequiredService<IIdempotencyAdministrator>().GetStoreKey(Operation, key, scope: null);

    public ValueTask<IdempotencyResult<string>> RunAsync(string key, string result) =>
        Executor.ExecuteAsync(new IdempotencyRequest(Operation, key), _ =>
        {
            _runs.Add();
            return ValueTask.FromResult(result);
        }, CancellationToken.None);

    public ValueTask<IdempotencyResult<string>> FailAsync(string key, string message) =>
        Executor.ExecuteAsync<string>(new IdempotencyRequest(Operation, key), _ =>
        {
            _runs.Add();
            throw new InvalidOperationException(message);
        }, CancellationToken.None);

    public void Dispose() => _services.Dispose();
}

/// <summary>Counts the runs of the work across every engine of one test.</summary>
public sealed class RunCount
{
    private int _value;

    public int Value => Volatile.Read(ref _value);

    public void Add() => Interlocked.Increment(ref _value);
}
