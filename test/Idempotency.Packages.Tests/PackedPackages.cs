using System.Diagnostics;
using System.Xml.Linq;
using Idempotency.TestServers;

namespace Idempotency.Packages.Tests;

/// <summary>
/// Idempotency, Idempotency.AspNetCore and Idempotency.Sqlite packed once for the tests, into a temporary folder, under
/// a version of their own (the project's version with a unique pre-release label): no package cache or source can hold
/// another build under that version, so a restore by it gets exactly these packages.
/// </summary>
public sealed class PackedPackages : IAsyncLifetime
{
    public static readonly string[] Ids = ["Idempotency", "Idempotency.AspNetCore", "Idempotency.Sqlite"];

    public string Folder { get; } = Directory.CreateTempSubdirectory("idempotency-packages-").FullName;

    public string Version { get; } = $"{ProjectVersion()}-local.{DateTime.UtcNow:yyyyMMddHHmmss}{Environment.ProcessId}";

    public string PackagesFolder => Path.Combine(Folder, "packages");

    /// <summary>The configuration the solution built (bin/&lt;configuration&gt;/net10.0), so pack finds its output.</summary>
    public static string Configuration => Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)))!;

    public string Package(string id) => Path.Combine(PackagesFolder, $"{id}.{Version}.nupkg");

    public string Symbols(string id) => Path.Combine(PackagesFolder, $"{id}.{Version}.snupkg");

    public async Task InitializeAsync()
    {
        foreach (var id in Ids)
        {
            // --no-build: the packages as the solution built them. Rebuilding here would rewrite the assemblies while
            // other test projects, running in parallel, load them.
            var project = Path.Combine(RepositoryFolder.Root, "src", id, $"{id}.csproj");
            await ToolProcess.RunAsync(
                Dotnet("pack", project, "-c", Configuration, "--no-build", "-nologo", "-o", PackagesFolder, $"-p:PackageVersion={Version}"),
                TimeSpan.FromMinutes(2));
        }
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Left behind in the temp folder; never fails a test.
        }

        return Task.CompletedTask;
    }

    public static ProcessStartInfo Dotnet(params string[] args)
    {
        var info = new ProcessStartInfo(DotnetHost.Path);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }

    private static string ProjectVersion() =>
        XDocument.Load(Path.Combine(RepositoryFolder.Root, "src", "Directory.Build.props")).Descendants("Version").Single().Value;
}
