using System.Text.Json;
using AotDemo;
using Idempotency;
using Microsoft.Extensions.DependencyInjection;

// Calls a decorated service the way a retrying client would, and checks that each operation ran once per key.
// The exit code is 0 only when it did.
#region snippet: decorators-aot-registration
var services = new ServiceCollection();
services.AddIdempotency(o =>
{
    o.ServiceName = "aot-demo";
    o.JsonSerializerOptions = new JsonSerializerOptions { TypeInfoResolver = DemoJson.Default };
});
services.AddSingleton<Ledger>();
services.AddIdempotent<IPayments, Payments>(ServiceLifetime.Singleton);
#endregion

await using var provider = services.BuildServiceProvider();
var payments = provider.GetRequiredService<IPayments>();
var ledger = provider.GetRequiredService<Ledger>();

var receipts = new List<Receipt>();
for (var i = 0; i < 3; i++)
{
    receipts.Add(await payments.ChargeAsync("o-1", 12.50m, CancellationToken.None));   // the first runs, two replay
}

var other = await payments.ChargeAsync("o-2", 7m, CancellationToken.None);
var reuseRefused = false;
try
{
    await payments.ChargeAsync("o-1", 99m, CancellationToken.None);                   // same key, another amount
}
catch (IdempotencyKeyReusedException)
{
    reuseRefused = true;
}

var refundId = Guid.NewGuid();
var refunds = new[] { await payments.RefundAsync(refundId, "o-1"), await payments.RefundAsync(refundId, "o-1") };

var identical = receipts.All(r => r == receipts[0]);
var ok = ledger.Charges == 2 && identical && other.Run == 2 && reuseRefused && ledger.Refunds == 1 && refunds.All(r => !r);
Console.WriteLine("AotDemo: a generated [Idempotent] decorator, in-memory store");
Console.WriteLine($"  charge o-1, 3 calls            {receipts.Select(r => r.Run).Distinct().Count()} run, 2 replayed, receipts identical: {(identical ? "yes" : "no")}");
Console.WriteLine($"  charge o-2, 1 call             run {other.Run}");
Console.WriteLine($"  o-1 again with another amount  {(reuseRefused ? "refused (IdempotencyKeyReusedException), nothing ran" : "NOT refused")}");
Console.WriteLine($"  refund twice                   {ledger.Refunds} run, results {string.Join(", ", refunds)} (false replayed as false)");
Console.WriteLine(ok ? "runs == distinct keys: yes" : "runs == distinct keys: NO");
return ok ? 0 : 1;
