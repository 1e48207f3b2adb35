using Idempotency;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Turns on encryption at rest of stored payloads; see docs/encryption.md.</summary>
public static class PayloadProtectionBuilderExtensions
{
    /// <summary>
    /// Encrypts every stored payload with AES-GCM under the key ring configured here (and by any
    /// <c>Configure&lt;AesGcmPayloadProtectionOptions&gt;</c>, for example bound to configuration), validated at start-up.
    /// Sets <see cref="IdempotencyOptions.PayloadProtector"/>.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddIdempotency()</c>.</param>
    /// <param name="configure">Configures the key ring.</param>
    /// <returns>The builder.</returns>
    public static IIdempotencyBuilder AddAesGcmPayloadProtection(this IIdempotencyBuilder builder, Action<AesGcmPayloadProtectionOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddValidatedOptions(configure, AesGcmPayloadProtectionOptions.Errors);

        // Reading the ring's options validates them: an invalid ring fails start-up with its own messages.
        builder.Services.AddOptions<IdempotencyOptions>()
            .Configure<IOptions<AesGcmPayloadProtectionOptions>>(static (options, ring) => options.PayloadProtector = new AesGcmPayloadProtector(ring.Value));
        return builder;
    }
}
