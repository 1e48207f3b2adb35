using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Idempotency;

/// <summary>The engine behind <see cref="IIdempotencyExecutor"/>, split by concern into partial files.</summary>
internal sealed partial class IdempotencyEngine : IIdempotencyExecutor
{
    private readonly IdempotencyOptions _options;
    private readonly FrozenDictionary<string, IdempotencyPolicy> _policies;
    private readonly FrozenDictionary<string, TimeSpan> _operationTtls;
    private readonly IIdempotencyStore _store;
    private readonly string _storeName;
    private readonly ILogger _logger;
    private readonly LocalRecordCache? _cache;

    public IdempotencyEngine(
        IdempotencyOptions options,
        IIdempotencyStore store,
        IIdempotencySerializer? serializer,
        TimeProvider? timeProvider,
        ILoggerFactory? loggerFactory,
        IMeterFactory? meterFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        var errors = IdempotencyOptionsValidator.Errors(options).ToList();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid idempotency options: " + string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _policies = options.BuildPolicies().ToFrozenDictionary(StringComparer.Ordinal);
        _operationTtls = options.OperationTtls.ToFrozenDictionary(StringComparer.Ordinal);
        _store = store;
        _storeName = store.GetType().Name;
        Serializer = serializer ?? (options.JsonSerializerOptions is { } json ? new JsonIdempotencySerializer(json) : JsonIdempotencySerializer.CreateDefault());
        TimeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)loggerFactory?.CreateLogger("Idempotency") ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        Metrics = new IdempotencyMetrics(meterFactory);
        _cache = options.LocalCacheMaxEntries > 0 ? new LocalRecordCache(options.LocalCacheMaxEntries) : null;
    }

    public IIdempotencySerializer Serializer { get; }

    public TimeProvider TimeProvider { get; }

    public IdempotencyMetrics Metrics { get; }

    private ExecutionScope Resolve(in IdempotencyRequest request)
    {
        if (!StoreKey.IsValidSegment(request.Operation))
        {
            throw new ArgumentException($"Operation names are 1-{IdempotencyDefaults.MaxNameLength} characters of letters, digits, '.', '_', '-' or '/'.", nameof(request));
        }

        var policyName = request.Policy ?? IdempotencyDefaults.DefaultPolicyName;
        var policy = request.Policy is null ? _options.DefaultPolicy
            : _policies.TryGetValue(request.Policy, out var named) ? named
            : throw new ArgumentException($"No idempotency policy is named '{request.Policy}'.", nameof(request));
        var ttl = _operationTtls.TryGetValue(request.Operation, out var operationTtl) ? operationTtl : policy.Ttl;
        var hasKey = !string.IsNullOrEmpty(request.Key);
        return new ExecutionScope
        {
            Operation = request.Operation,
            PolicyName = policyName,
            Policy = policy,
            Ttl = ttl,
            StoreKey = hasKey ? StoreKey.Create(_options.KeyPrefix, _options.ServiceName, request.Operation, request.Scope, request.Key!) : null,
            Fingerprint = request.Fingerprint ?? string.Empty,
            OwnerToken = hasKey ? Guid.NewGuid().ToString("N") : string.Empty,
        };
    }
}
