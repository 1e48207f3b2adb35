using System.Globalization;

namespace EventsWorker;

/// <summary>The sample's command line.</summary>
internal sealed record WorkerSettings(int Events, double Duplicates, bool Crash, string Transport, string? Url = null)
{
    public static WorkerSettings Parse(string[] args)
    {
        var settings = new WorkerSettings(1000, 0.3, false, "inproc");
        for (var i = 0; i < args.Length; i++)
        {
            settings = args[i] switch
            {
                "--events" => settings with { Events = int.Parse(args[++i], CultureInfo.InvariantCulture) },
                "--duplicates" => settings with { Duplicates = double.Parse(args[++i], CultureInfo.InvariantCulture) },
                "--crash" => settings with { Crash = true },
                "--transport" => settings with { Transport = args[++i] },
                "--url" => settings with { Url = args[++i] },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'. Options: --events N, --duplicates R, --crash, --transport inproc|nats|rabbitmq|kafka, --url URL."),
            };
        }

        return settings;
    }
}
