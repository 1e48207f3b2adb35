#region snippet: encryption-dataprotection
using Microsoft.AspNetCore.DataProtection;
#endregion

namespace Snippets;

internal static class Encryption
{
    public static void AesGcm(WebApplicationBuilder builder)
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

    public static void DataProtection(WebApplicationBuilder builder)
    {
        #region snippet: encryption-dataprotection
        // Every instance that shares the store shares the key ring and the application name.
        builder.Services.AddDataProtection()
            .PersistKeysToFileSystem(new DirectoryInfo("/var/lib/orders-api/keys"))
            .SetApplicationName("orders-api");

        builder.Services.AddIdempotency(options => options.ServiceName = "orders-api")
            .AddRedisStore()
            .AddIdempotencyMiddleware()
            .AddDataProtectionPayloadProtection();
        #endregion
    }

    public static void KeyedDigests(WebApplicationBuilder builder)
    {
        #region snippet: encryption-digest-secret
        // Idempotency:DigestSecret = "<base64 of 32 random bytes>" (the same on every instance; see "Keyed digests")
        builder.Services.AddIdempotency(options =>
        {
            options.ServiceName = "orders-api";
            options.DigestSecret = Convert.FromBase64String(builder.Configuration["Idempotency:DigestSecret"]!);
        });
        #endregion
    }
}
