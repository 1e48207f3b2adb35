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
        "operation-ttl-zero",
        "operation-ttl-bad-name",
        "named-policy-ttl-zero",
        "named-policy-lease-short",
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

        Assert.StartsWith("Invalid idempotency options", ex.Message, StringComparison.Ordinal);
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
            case "operation-ttl-zero": options.OperationTtls["orders"] = TimeSpan.Zero; break;
            case "operation-ttl-bad-name": options.OperationTtls["bad name"] = TimeSpan.FromMinutes(1); break;
            case "named-policy-ttl-zero": options.AddPolicy("p", p => p.Ttl = TimeSpan.Zero); break;
            case "named-policy-lease-short": options.AddPolicy("p", p => p.Lease = TimeSpan.FromMilliseconds(1)); break;
            default: throw new ArgumentOutOfRangeException(nameof(setting), setting, null);
        }
    }
}
