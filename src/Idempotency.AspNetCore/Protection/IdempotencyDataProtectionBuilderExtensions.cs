using Idempotency;
using Idempotency.AspNetCore;
using Microsoft.AspNetCore.DataProtection;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Encrypts stored payloads with ASP.NET Core Data Protection; see docs/encryption.md.</summary>
public static class IdempotencyDataProtectionBuilderExtensions
{
    /// <summary>The purpose string payloads are protected under unless another is given.</summary>
    public const string DefaultPurpose = "Idempotency.Payloads";

    /// <summary>
    /// Encrypts every stored payload (results, captured responses, remembered failures) with the application's Data
    /// Protection key ring under <paramref name="purpose"/>: keys are created, rotated, stored and encrypted as the app
    /// configures Data Protection (<c>AddDataProtection().PersistKeysTo…</c>; every instance sharing a store must share the
    /// key ring and application name). Sets <see cref="IdempotencyOptions.PayloadProtector"/>.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddIdempotency()</c>.</param>
    /// <param name="purpose">The Data Protection purpose; records protected under one purpose are unreadable under another.</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder AddDataProtectionPayloadProtection(this IIdempotencyBuilder builder, string purpose = DefaultPurpose)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(purpose);
        builder.Services.AddDataProtection();
        builder.Services.AddOptions<IdempotencyOptions>()
            .Configure<IDataProtectionProvider>((options, provider) => options.PayloadProtector = new DataProtectionPayloadProtector(provider.CreateProtector(purpose)));
        return builder;
    }
}
