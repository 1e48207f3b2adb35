using System.Diagnostics;

namespace Idempotency.TestServers;

/// <summary>
/// Starts a server program under a watchdog shell that kills it (SIGKILL) as soon as this test process is gone, so a test
/// run that dies without disposing its fixtures leaves no server behind. Killing the returned process kills both.
/// </summary>
internal static class WatchedProcess
{
    // sh runs the program in the background and kills it as soon as this test process is gone.
    private const string Watchdog = """
        "$0" "$@" &
        child=$!
        trap 'kill -9 $child 2>/dev/null; exit 0' TERM INT
        while kill -0 $PARENT_PID 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 1; done
        kill -9 $child 2>/dev/null
        wait $child
        """;

    /// <summary>Starts <paramref name="program"/> with <paramref name="arguments"/>, handing each line it prints to <paramref name="output"/>.</summary>
    public static Process Start(string program, IEnumerable<string> arguments, string workingDirectory, Action<string> output)
    {
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.Environment["PARENT_PID"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var argument in (string[])["-c", Watchdog, program, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        process.OutputDataReceived += (_, e) => Forward(e.Data);
        process.ErrorDataReceived += (_, e) => Forward(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;

        void Forward(string? line)
        {
            if (line is not null)
            {
                output(line);
            }
        }
    }

    /// <summary>Kills the program and its watchdog (like a crash) and waits until they are gone.</summary>
    public static async Task KillAsync(Process? process)
    {
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            process.Dispose();
        }
    }

    /// <summary>Deletes a server's temp directory; one left behind is harmless.</summary>
    public static void DeleteDirectory(string? directory)
    {
        try
        {
            if (directory is not null)
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }
}
