namespace Idempotency.TestServers;

/// <summary>Finds a server binary, or fails the test with a message saying how to install it.</summary>
public static class ServerBinary
{
    /// <summary>Returns the first candidate path that exists, or the command found on PATH.</summary>
    /// <param name="installHint">Shown when nothing is found, e.g. "apt-get install -y redis-server".</param>
    /// <param name="candidates">Absolute paths or bare command names.</param>
    public static string Find(string installHint, params string[] candidates)
    {
        foreach (var candidate in candidates)
        {
            if (Path.IsPathRooted(candidate))
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }

                continue;
            }

            foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
            {
                var path = Path.Combine(directory, candidate);
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }

        throw new InvalidOperationException(
            $"None of [{string.Join(", ", candidates)}] was found. Install it ({installHint}) or run ./eng/test.sh, which installs what the tests need.");
    }
}
