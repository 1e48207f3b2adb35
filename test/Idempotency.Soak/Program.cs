// The crash soak. Driver (default): dotnet run --project test/Idempotency.Soak -c Release -- --store redis|postgres|sqlite
// [--transactional] [--minutes 10 | --seconds 30] [--workers 4] [--concurrency 8] [--keys N] [--lease-ms 1500]
// [--kill-every-ms 1000] [--restart-every-s 10] [--dir path]; prints the verdict table, exit code 1 when a verdict fails.
// Worker: 'worker ...' (started by the driver, see SoakWorker).
using Idempotency.Soak;

if (args.Length > 0 && args[0] == "worker")
{
    return await SoakWorker.RunAsync(args[1..]);
}

var settings = SoakSettings.Parse(args);
var verdict = await SoakDriver.RunAsync(settings, line => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}"));
Console.WriteLine();
Console.WriteLine(verdict.ToTable());
return verdict.Problems().Count == 0 ? 0 : 1;
