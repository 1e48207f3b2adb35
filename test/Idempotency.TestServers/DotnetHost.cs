using System.Runtime.InteropServices;

namespace Idempotency.TestServers;

/// <summary>Finds the dotnet that runs the tests, to start helper programs (copied next to a test assembly) with it.</summary>
public static class DotnetHost
{
    /// <summary>Gets the path: the one the CLI exports; else the one owning this runtime; else <c>dotnet</c> on PATH.</summary>
    public static string Path
    {
        get
        {
            if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
            {
                return host;
            }

            var name = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "dotnet.exe" : "dotnet";
            var root = System.IO.Path.GetFullPath(System.IO.Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
            var candidate = System.IO.Path.Combine(root, name);
            return File.Exists(candidate) ? candidate : name;
        }
    }
}
