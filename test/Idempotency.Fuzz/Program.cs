// Fuzz targets. Under afl-fuzz (eng/fuzz.sh): 'Idempotency.Fuzz <target>' runs the target on each input AFL gives it.
// 'Idempotency.Fuzz replay [corpus dir]' runs every committed input through every target, without AFL.
// 'Idempotency.Fuzz list' prints the targets; 'Idempotency.Fuzz seed <corpus dir>' writes the seed inputs.
using Idempotency.Fuzz;
using SharpFuzz;

switch (args)
{
    case ["list"]:
        Console.WriteLine(string.Join('\n', FuzzTargets.Names));
        return 0;
    case ["seed", var corpus]:
        SeedCorpus.Write(corpus);
        return 0;
    case ["replay", .. var rest]:
        var inputs = CorpusReplay.Run(rest is [var dir] ? dir : CorpusReplay.DefaultDirectory());
        Console.WriteLine($"{inputs} inputs through {FuzzTargets.Names.Count} targets: no crash");
        return 0;
    case [var name] when FuzzTargets.Find(name) is { } target:
        // In-process persistent mode: one process runs many inputs; an exception that escapes is a crash for AFL.
        Fuzzer.Run(stream =>
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            target(copy.ToArray());
        });
        return 0;
    default:
        Console.Error.WriteLine($"usage: Idempotency.Fuzz <{string.Join('|', FuzzTargets.Names)}> | replay [corpus dir] | list");
        return 2;
}
