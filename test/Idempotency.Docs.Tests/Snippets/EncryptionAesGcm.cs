namespace Snippets;

internal static class EncryptionAesGcm
{
    public static void Configure(WebApplicationBuilder builder)
    {
        #region snippet: encryption-aesgcm
        // appsettings / environment / a secret store:
        //   Idempotency:Encryption:ActiveKeyId = "2026-01"
        //   Idempotency:Encryption:Keys:2026-01 = "<base64 of 32 random bytes>"
        builder.Services.AddIdempotency(options => options.ServiceName = "orders-api")
            .AddRedisStore()
            .AddAesGcmPayloadProtection(ring => builder.Configuration.GetSection("Idempotency:Encryption").Bind(ring));
        #endregion
    }
}
