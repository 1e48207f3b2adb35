using System.Diagnostics;

namespace Idempotency.Messaging.Kafka.Tests;

/// <summary>The crash-test consumer program (copied next to this test assembly by the project reference) as a child process.</summary>
internal sealed class CrashConsumerProcess : IDisposable
{
    private readonly System.Text.StringBuilder _output = new();

    private CrashConsumerProcess(Process process) => Process = process;

    public Process Process { get; }

    /// <summary>Gets what the program printed so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static CrashConsumerProcess Start(string bootstrapServers, string redis, string topic, string group, string log, int leaseMs, string? hangOn)
    {
        var program = Path.Combine(AppContext.BaseDirectory, "Idempotency.Messaging.Kafka.CrashConsumer.dll");
        Assert.True(File.Exists(program), $"The crash consumer is missing at {program}: the project reference should copy it there.");

        // The dotnet CLI running the tests says where it is; otherwise the one on PATH.
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string[] arguments = [program, "--bootstrap", bootstrapServers, "--redis", redis, "--topic", topic, "--group", group, "--log", log, "--lease-ms", leaseMs.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        foreach (var argument in hangOn is null ? arguments : [.. arguments, "--hang-on", hangOn])
        {
            start.ArgumentList.Add(argument);
        }

        var child = new CrashConsumerProcess(Process.Start(start)!);
        child.Process.OutputDataReceived += (_, e) => child.Append(e.Data);
        child.Process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        child.Process.BeginOutputReadLine();
        child.Process.BeginErrorReadLine();
        return child;
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill();
        }

        Process.Dispose();
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
