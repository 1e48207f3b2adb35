using System.Diagnostics;

namespace Idempotency.TestServers;

/// <summary>
/// Runs PostgreSQL programs as an unprivileged account when the tests run as root (initdb and postgres refuse root):
/// the system user <c>idemtest</c> that <c>eng/test.sh</c> creates. Otherwise runs them as the current user.
/// </summary>
internal static class PostgresAccount
{
    public const string UserName = "idemtest";

    public static bool IsRoot => Environment.IsPrivilegedProcess;

    /// <summary>Makes the start info run <paramref name="program"/> as the unprivileged account when needed.</summary>
    public static ProcessStartInfo StartInfo(string program, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (!IsRoot)
        {
            info.FileName = program;
        }
        else
        {
            EnsureAccountExists();

            // setpriv replaces itself with the program (no extra parent process); runuser is the fallback.
            if (TryFind("setpriv") is { } setpriv)
            {
                info.FileName = setpriv;
                foreach (var argument in new[] { $"--reuid={UserName}", $"--regid={UserName}", "--init-groups", "--" })
                {
                    info.ArgumentList.Add(argument);
                }
            }
            else
            {
                info.FileName = ServerBinary.Find("apt-get install -y util-linux", "runuser");
                foreach (var argument in new[] { "-u", UserName, "--" })
                {
                    info.ArgumentList.Add(argument);
                }
            }

            info.ArgumentList.Add(program);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    /// <summary>Gives the account the directory (it must own the data directory).</summary>
    public static async Task GiveDirectoryAsync(string directory)
    {
        if (IsRoot)
        {
            EnsureAccountExists();
            await ToolProcess.RunAsync(new ProcessStartInfo("chown", ["-R", $"{UserName}:", directory]), TimeSpan.FromSeconds(30));
        }
    }

    private static void EnsureAccountExists()
    {
        if (!File.ReadLines("/etc/passwd").Any(line => line.StartsWith(UserName + ":", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException(
                $"The tests run as root, and PostgreSQL refuses to run as root: create the unprivileged account first " +
                $"(useradd --system --no-create-home --shell /usr/sbin/nologin {UserName}) or run ./eng/test.sh, which does.");
        }
    }

    private static string? TryFind(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Select(directory => Path.Combine(directory, command))
            .FirstOrDefault(File.Exists);
}
