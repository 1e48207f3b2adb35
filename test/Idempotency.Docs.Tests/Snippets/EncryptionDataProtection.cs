#region snippet: encryption-dataprotection
using Microsoft.AspNetCore.DataProtection;
#endregion

namespace Snippets;

internal static class EncryptionDataProtection
{
    public static void Configure(WebApplicationBuilder builder)
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
}
