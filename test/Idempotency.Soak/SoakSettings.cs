using System.Globalization;

namespace Idempotency.Soak;

/// <summary>The stores a soak runs against.</summary>
public enum SoakStore
{
    Redis,
    Postgres,
    Sqlite,
}

/// <summary>
/// How one soak runs. Every phase is bounded: the main phase by <see cref="Duration"/>, kills and restarts by their
/// intervals (and a count cap), the settle phase by <see cref="SettleTimeout"/>.
/// </summary>
public sealed record SoakSettings
{
    /// <summary>Gets the store.</summary>
    public SoakStore Store { get; init; } = SoakStore.Redis;

    /// <summary>Gets whether the work is a row inserted in the claim's transaction (PostgreSQL, SQLite only).</summary>
    public bool Transactional { get; init; }

    /// <summary>Gets how long workers run (and get killed) before the settle phase.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets the number of worker processes alive at once.</summary>
    public int Workers { get; init; } = 4;

    /// <summary>Gets the number of concurrent calls inside each worker.</summary>
    public int Concurrency { get; init; } = 8;

    /// <summary>
    /// Gets the size of the shared key space; 0 picks 10 keys per second of <see cref="Duration"/> (5 transactional:
    /// SQLite runs one transaction at a time), at least 200: fewer keys than calls, so most keys are called several
    /// times, often at once, and the settle phase stays short.
    /// </summary>
    public int Keys { get; init; }

    /// <summary>Gets the lease (renewed by the engine every third of it).</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>Gets the shortest pause between two kills (the longest is twice it).</summary>
    public TimeSpan KillEvery { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets the number of kills the main phase waits for past <see cref="Duration"/> (a loaded machine starts workers
    /// slowly, and only workers whose store is open are killed), for at most another two <see cref="Duration"/>s.
    /// </summary>
    public int MinKills { get; init; }

    /// <summary>Gets the pause between a store restart and the next (none for SQLite, which has no server); zero disables them.</summary>
    public TimeSpan RestartEvery { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets the limit of the settle phase: two minutes, and 50 ms more per key.</summary>
    public TimeSpan SettleTimeout => TimeSpan.FromMinutes(2) + (KeyCount * TimeSpan.FromMilliseconds(50));

    /// <summary>Gets the directory for the side-effect logs (and the SQLite file); a new temp directory when null.</summary>
    public string? Directory { get; init; }

    /// <summary>Gets the key count in effect.</summary>
    public int KeyCount => Keys > 0 ? Keys : Math.Max(200, (int)(Duration.TotalSeconds * (Transactional ? 5 : 10)));

    /// <summary>Gets a one-line description for the report.</summary>
    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Store.ToString().ToLowerInvariant()}{(Transactional ? " (transactional)" : "")}: {Workers} workers x {Concurrency} calls, {KeyCount} keys, lease {Lease.TotalMilliseconds:0} ms, {Duration.TotalSeconds:0} s, a kill every {KillEvery.TotalSeconds:0.#}-{2 * KillEvery.TotalSeconds:0.#} s{(MinKills > 0 ? $" (at least {MinKills})" : "")}, {(Store == SoakStore.Sqlite || RestartEvery == TimeSpan.Zero ? "no store restarts" : $"a store restart {RestartEvery.TotalSeconds:0} s after the previous one")}");

    /// <summary>Reads the driver's command line.</summary>
    /// <exception cref="ArgumentException">An argument is unknown or invalid.</exception>
    public static SoakSettings Parse(IReadOnlyList<string> args)
    {
        var settings = new SoakSettings();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name == "--transactional")
            {
                settings = settings with { Transactional = true };
                continue;
            }

            var value = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            settings = name switch
            {
                "--store" => settings with { Store = Enum.Parse<SoakStore>(value, ignoreCase: true) },
                "--minutes" => settings with { Duration = TimeSpan.FromMinutes(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--seconds" => settings with { Duration = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--workers" => settings with { Workers = int.Parse(value, CultureInfo.InvariantCulture) },
                "--concurrency" => settings with { Concurrency = int.Parse(value, CultureInfo.InvariantCulture) },
                "--min-kills" => settings with { MinKills = int.Parse(value, CultureInfo.InvariantCulture) },
                "--keys" => settings with { Keys = int.Parse(value, CultureInfo.InvariantCulture) },
                "--lease-ms" => settings with { Lease = TimeSpan.FromMilliseconds(int.Parse(value, CultureInfo.InvariantCulture)) },
                "--kill-every-ms" => settings with { KillEvery = TimeSpan.FromMilliseconds(int.Parse(value, CultureInfo.InvariantCulture)) },
                "--restart-every-s" => settings with { RestartEvery = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--dir" => settings with { Directory = value },
                _ => throw new ArgumentException($"unknown argument {name}"),
            };
        }

        if (settings.Transactional && settings.Store == SoakStore.Redis)
        {
            throw new ArgumentException("--transactional needs --store postgres or sqlite");
        }

        return settings;
    }
}
