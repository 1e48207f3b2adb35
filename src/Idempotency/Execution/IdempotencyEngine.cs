using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Idempotency;

/// <summary>
/// The engine behind <see cref="IIdempotencyExecutor"/>: resolves a request into a plan (this file), claims its key and
/// answers (<c>.Begin</c>), and wraps both around a delegate (<c>.Execute</c>). An acquired claim lives on in
/// <see cref="AcquiredClaim"/>, which never calls back here.
/// </summary>
internal sealed partial class IdempotencyEngine : IIdempotencyExecutor
{
    private const int MaxNameLength = 200;

    private readonly IdempotencyOptions _options;
    private readonly FrozenDictionary<string, IdempotencyPolicy> _policies;
    private readonly FrozenDictionary<string, TimeSpan> _operationTtls;
    private readonly EngineContext _context;
    private readonly DigestKey? _digestKey;

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
        OptionErrors.ThrowIfAny(options, IdempotencyOptionsValidator.Errors);

        _options = options;
        _policies = options.BuildPolicies().ToFrozenDictionary(StringComparer.Ordinal);
        _operationTtls = options.OperationTtls.ToFrozenDictionary(StringComparer.Ordinal);
        _digestKey = DigestKey.From(options.DigestSecret);
        var logger = (ILogger?)loggerFactory?.CreateLogger("Idempotency") ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        var metrics = new IdempotencyMetrics(meterFactory);
        var clock = timeProvider ?? TimeProvider.System;
        var calls = new StoreCalls(store, metrics, logger, clock);
        _context = new EngineContext(
            options,
            calls,
            serializer ?? (options.JsonSerializerOptions is { } json ? new JsonIdempotencySerializer(json) : JsonIdempotencySerializer.CreateDefault()),
            clock,
            logger,
            new EngineTelemetry(metrics, logger, calls.Name),
            options.LocalCacheMaxEntries > 0 ? new LocalRecordCache(options.LocalCacheMaxEntries, options.LocalCacheMaxBytes) : null);
    }

    private ExecutionPlan Resolve(in IdempotencyRequest request, string? keyProblem)
    {
        if (!StoreKey.IsValidSegment(request.Operation))
        {
            throw new ArgumentException($"Operation names are 1-{IdempotencyDefaults.MaxNameLength} characters of letters, digits, '.', '_', '-' or '/'.", nameof(request));
        }

        if (request.Name is { Length: 0 or > MaxNameLength })
        {
            throw new ArgumentException($"Request names are 1-{MaxNameLength} characters.", nameof(request));
        }

        var policy = request.Policy is null ? _options.DefaultPolicy
            : _policies.TryGetValue(request.Policy, out var named) ? named
            : throw new ArgumentException($"No idempotency policy is named '{request.Policy}'.", nameof(request));
        var name = request.Name ?? request.Operation;
        var usable = request.Key is not null && keyProblem is null && !request.PayloadTooLarge;
        return new ExecutionPlan
        {
            Operation = request.Operation,
            Name = name,
            PolicyName = request.Policy ?? IdempotencyDefaults.DefaultPolicyName,
            Policy = policy,
            Ttl = _operationTtls.TryGetValue(name, out var ttl) ? ttl : policy.Ttl,
            KeyRequirement = request.KeyRequirement ?? policy.KeyRequirement,
            StoreKey = usable ? StoreKey.Create(_options.KeyPrefix, _options.ServiceName, request.Operation, request.Scope, request.Key!, _digestKey) : null,
            Fingerprint = _digestKey is null ? request.Fingerprint ?? string.Empty : _digestKey.Fingerprint(request.Fingerprint ?? string.Empty),
            LeaseDeadline = request.LeaseDeadline,
        };
    }
}
