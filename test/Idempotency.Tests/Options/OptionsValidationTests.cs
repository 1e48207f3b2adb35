using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Idempotency.Tests.Options;

// SPEC §3.10 and STYLE: options are validated once, at start-up (ValidateOnStart), and by IdempotencyExecutor.Create.
public sealed class OptionsValidationTests
{
    public static TheoryData<string> InvalidSettings =>
    [
        "prefix-empty",
        "prefix-colon",
        "service-space",
        "service-too-long",
        "lease-too-short",
        "ttl-zero",
        "failure-ttl-negative",
        "wait-negative",
        "retry-after-negative",
        "max-key-length-zero",
        "max-key-length-huge",
        "compression-negative",
        "cache-negative",
        "cache-bytes-zero",
        "operation-ttl-zero",
        "operation-ttl-bad-name",
        "named-policy-ttl-zero",
        "named-policy-lease-short",
        "ttl-max",
        "ttl-over-365-days",
        "failure-ttl-max",
        "failure-ttl-over-365-days",
        "lease-max",
        "lease-over-1-day",
        "wait-max",
        "wait-over-1-hour",
        "retry-after-max",
        "retry-after-over-1-hour",
        "store-retry-after-max",
        "store-retry-after-negative",
        "operation-ttl-max",
        "operation-ttl-over-365-days",
        "named-policy-ttl-max",
        "named-policy-lease-max",
    ];

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void StartupValidation_InvalidOptions_Fails(string setting)
    {
        var services = new ServiceCollection();
        services.AddIdempotency(o => Apply(o, setting));
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.NotEmpty(ex.Failures);
    }

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void ResolvingExecutor_InvalidOptions_Fails(string setting)
    {
        var services = new ServiceCollection();
        services.AddIdempotency(o => Apply(o, setting));
        using var provider = services.BuildServiceProvider();

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IIdempotencyExecutor>());
    }

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void Create_InvalidOptions_ThrowsArgumentException(string setting)
    {
        var options = new IdempotencyOptions();
        Apply(options, setting);

        var ex = Assert.Throws<ArgumentException>(() => IdempotencyExecutor.Create(options));

        Assert.StartsWith("Invalid IdempotencyOptions: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StartupValidation_ValidOptions_Passes()
    {
        var services = new ServiceCollection();
        services.AddIdempotency(o =>
        {
            o.KeyPrefix = "my.app";
            o.ServiceName = "billing-v2";
            o.DefaultPolicy.Lease = TimeSpan.FromMilliseconds(30);
            o.OperationTtls["order/created"] = TimeSpan.FromMinutes(1);
            o.AddPolicy("payments", p => p.Ttl = TimeSpan.FromDays(7));
        });
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        Assert.NotNull(provider.GetRequiredService<IIdempotencyExecutor>());
    }

    [Fact]
    public void StartupValidation_SeveralProblems_ReportsEach()
    {
        var services = new ServiceCollection();
        services.AddIdempotency(o =>
        {
            o.KeyPrefix = "bad:prefix";
            o.DefaultPolicy.Ttl = TimeSpan.Zero;
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(ex.Failures, f => f.Contains("KeyPrefix", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("Ttl", StringComparison.Ordinal));
    }

    [Fact]
    public void StartupValidation_AtTheUpperBounds_Passes()
    {
        var services = new ServiceCollection();
        services.AddIdempotency(o =>
        {
            o.DefaultPolicy.Ttl = TimeSpan.FromDays(365);
            o.DefaultPolicy.FailureTtl = TimeSpan.FromDays(365);
            o.DefaultPolicy.Lease = TimeSpan.FromDays(1);
            o.DefaultPolicy.InProgressWait = TimeSpan.FromHours(1);
            o.DefaultPolicy.InProgressRetryAfter = TimeSpan.FromHours(1);
            o.OperationTtls["orders"] = TimeSpan.FromDays(365);
        });
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        Assert.NotNull(provider.GetRequiredService<IIdempotencyExecutor>());
    }

    [Theory]
    [InlineData("Ttl", "365 days")]
    [InlineData("FailureTtl", "365 days")]
    [InlineData("Lease", "1 day")]
    [InlineData("InProgressWait", "1 hour")]
    [InlineData("InProgressRetryAfter", "1 hour")]
    public void StartupValidation_MaxValue_NamesTheOptionThePolicyAndTheLimit(string option, string limit)
    {
        var services = new ServiceCollection();
        services.AddIdempotency(o => o.AddPolicy("payments", p => typeof(IdempotencyPolicy).GetProperty(option)!.SetValue(p, TimeSpan.MaxValue)));
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        var failure = Assert.Single(ex.Failures);
        Assert.StartsWith($"Policy 'payments': {option} must be at most {limit}", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void StartupValidation_OperationTtlMaxValue_NamesTheOperationAndTheLimit()
    {
        var services = new ServiceCollection();
        services.AddIdempotency(o => o.OperationTtls["orders"] = TimeSpan.MaxValue);
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        var failure = Assert.Single(ex.Failures);
        Assert.StartsWith("OperationTtls['orders'] must be at most 365 days", failure, StringComparison.Ordinal);
    }

    private static void Apply(IdempotencyOptions options, string setting)
    {
        switch (setting)
        {
            case "prefix-empty": options.KeyPrefix = string.Empty; break;
            case "prefix-colon": options.KeyPrefix = "idem:x"; break;
            case "service-space": options.ServiceName = "my service"; break;
            case "service-too-long": options.ServiceName = new string('s', 101); break;
            case "lease-too-short": options.DefaultPolicy.Lease = TimeSpan.FromMilliseconds(29); break;
            case "ttl-zero": options.DefaultPolicy.Ttl = TimeSpan.Zero; break;
            case "failure-ttl-negative": options.DefaultPolicy.FailureTtl = TimeSpan.FromSeconds(-1); break;
            case "wait-negative": options.DefaultPolicy.InProgressWait = TimeSpan.FromSeconds(-1); break;
            case "retry-after-negative": options.DefaultPolicy.InProgressRetryAfter = TimeSpan.FromSeconds(-1); break;
            case "max-key-length-zero": options.MaxKeyLength = 0; break;
            case "max-key-length-huge": options.MaxKeyLength = 4097; break;
            case "compression-negative": options.CompressionThreshold = -1; break;
            case "cache-negative": options.LocalCacheMaxEntries = -1; break;
            case "cache-bytes-zero": options.LocalCacheMaxBytes = 0; break;
            case "operation-ttl-zero": options.OperationTtls["orders"] = TimeSpan.Zero; break;
            case "operation-ttl-bad-name": options.OperationTtls[" "] = TimeSpan.FromMinutes(1); break;
            case "named-policy-ttl-zero": options.AddPolicy("p", p => p.Ttl = TimeSpan.Zero); break;
            case "named-policy-lease-short": options.AddPolicy("p", p => p.Lease = TimeSpan.FromMilliseconds(1)); break;
            case "ttl-max": options.DefaultPolicy.Ttl = TimeSpan.MaxValue; break;
            case "ttl-over-365-days": options.DefaultPolicy.Ttl = TimeSpan.FromDays(365) + TimeSpan.FromTicks(1); break;
            case "failure-ttl-max": options.DefaultPolicy.FailureTtl = TimeSpan.MaxValue; break;
            case "failure-ttl-over-365-days": options.DefaultPolicy.FailureTtl = TimeSpan.FromDays(366); break;
            case "lease-max": options.DefaultPolicy.Lease = TimeSpan.MaxValue; break;
            case "lease-over-1-day": options.DefaultPolicy.Lease = TimeSpan.FromDays(1) + TimeSpan.FromTicks(1); break;
            case "wait-max": options.DefaultPolicy.InProgressWait = TimeSpan.MaxValue; break;
            case "wait-over-1-hour": options.DefaultPolicy.InProgressWait = TimeSpan.FromMinutes(61); break;
            case "retry-after-max": options.DefaultPolicy.InProgressRetryAfter = TimeSpan.MaxValue; break;
            case "store-retry-after-max": options.DefaultPolicy.StoreUnavailableRetryAfter = TimeSpan.MaxValue; break;
            case "store-retry-after-negative": options.DefaultPolicy.StoreUnavailableRetryAfter = TimeSpan.FromSeconds(-5); break;
            case "retry-after-over-1-hour": options.DefaultPolicy.InProgressRetryAfter = TimeSpan.FromMinutes(61); break;
            case "operation-ttl-max": options.OperationTtls["orders"] = TimeSpan.MaxValue; break;
            case "operation-ttl-over-365-days": options.OperationTtls["orders"] = TimeSpan.FromDays(366); break;
            case "named-policy-ttl-max": options.AddPolicy("p", p => p.Ttl = TimeSpan.MaxValue); break;
            case "named-policy-lease-max": options.AddPolicy("p", p => p.Lease = TimeSpan.MaxValue); break;
            default: throw new ArgumentOutOfRangeException(nameof(setting), setting, null);
        }
    }
}
