using Idempotency.TestServers;

namespace Idempotency.Cli.Tests;

/// <summary>The tool packs, installs from the local pack with no other package source, and runs as 'idempotency'.</summary>
public sealed class PackTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task PackThenToolInstall_FromTheLocalFolderOnly_Runs()
    {
        var project = Path.Combine(RepositoryFolder.Root, "src", "Idempotency.Cli", "Idempotency.Cli.csproj");
        var packages = _folder.File("packages");
        var tools = _folder.File("tools");

        // --no-build: the tool as the solution built it. Rebuilding it here would rewrite the library's assemblies while
        // the other test projects, running in parallel, load them.
        var configuration = Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)))!; // bin/<configuration>/net10.0
        var pack = await CliRun.RunAsync(DotnetHost.Path, ["pack", project, "-c", configuration, "--no-build", "-o", packages, "-nologo"], TimeSpan.FromMinutes(5));
        Assert.True(pack.ExitCode == 0, pack.Stdout + pack.Stderr);
        Assert.True(File.Exists(Path.Combine(packages, "Idempotency.Cli.0.1.0.nupkg")), pack.Stdout);

        // Offline: a nuget.config beside the install clears every configured source, so only --add-source is read.
        await File.WriteAllTextAsync(_folder.File("nuget.config"), "<configuration><packageSources><clear /></packageSources></configuration>");
        var install = await CliRun.RunAsync(DotnetHost.Path, ["tool", "install", "--tool-path", tools, "--add-source", packages, "--configfile", _folder.File("nuget.config"), "Idempotency.Cli"], TimeSpan.FromMinutes(5));
        Assert.True(install.ExitCode == 0, install.Stdout + install.Stderr);

        var help = (await CliRun.RunAsync(Path.Combine(tools, "idempotency"), ["--help"])).Exits(0);
        Assert.Contains("Usage:", help.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  unstick\s", help.Stdout);
    }
}
