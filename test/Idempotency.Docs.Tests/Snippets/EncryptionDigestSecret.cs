namespace Snippets;

internal static class EncryptionDigestSecret
{
    public static void Configure(WebApplicationBuilder builder)
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
