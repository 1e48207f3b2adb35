#region snippet: getting-started-default-policy
using Idempotency;
#endregion

namespace Snippets;

internal static class DefaultPolicy
{
    public static void Configure(WebApplicationBuilder builder)
    {
        #region snippet: getting-started-default-policy
        builder.Services.AddIdempotency(options =>
        {
            options.ServiceName = "orders-api";       // second segment of every store key: one name per service

            // The defaults, spelled out:
            options.DefaultPolicy.Ttl = TimeSpan.FromHours(24);                    // how long a result is replayed
            options.DefaultPolicy.Lease = TimeSpan.FromSeconds(60);                // how long a crashed run blocks its key
            options.DefaultPolicy.KeyRequirement = KeyRequirement.Required;        // no key: 400 key-missing
            options.DefaultPolicy.InProgressWait = TimeSpan.Zero;                  // a retry during the run: 409 at once
            options.DefaultPolicy.InProgressRetryAfter = TimeSpan.FromSeconds(1);  // its Retry-After
            options.DefaultPolicy.StoreFailureMode = StoreFailureMode.FailClosed;  // store down: 503, nothing runs
            options.DefaultPolicy.RememberFailure = null;                          // an exception releases the key

            // Changed for one kind of work: a named policy starts as a copy of DefaultPolicy.
            options.AddPolicy("payments", payments =>
            {
                payments.Ttl = TimeSpan.FromDays(7);
                payments.InProgressWait = TimeSpan.FromSeconds(10);               // wait for the first run's result
                payments.RememberFailure = exception => exception is PaymentDeclinedException;
            });
        });
        #endregion
    }
}
