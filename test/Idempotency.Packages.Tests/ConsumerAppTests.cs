using Idempotency.TestServers;

namespace Idempotency.Packages.Tests;

/// <summary>
/// A reader's first app, built from the packages alone: a project of its own in a temporary folder (no repository
/// file applies to it) restores the packed packages by version and runs the README's first example, as the README
/// shows it, then the middleware over a SQLite file.
/// </summary>
[Collection(PackedCollection.Name)]
public sealed class ConsumerAppTests(PackedPackages packed)
{
    // Runs after the README's example (whose text comes first in Program.cs): the same call again is answered from the
    // key's record, then the AspNetCore and Sqlite packages serve one key twice.
    private const string AfterTheExample = """

        result = await executor.ExecuteAsync(
            new IdempotencyRequest("charge", "order-1234") { Fingerprint = ContentHash.Compute(requestBody) },
            async ct => await payments.ChargeAsync(order, ct),
            cancellationToken);
        Console.WriteLine(result.IsReplayed ? "replayed" : "charged");
        Console.WriteLine($"charges: {payments.Charges}");

        await HttpOverSqlite.RunAsync(args[0]);
        """;

    [Fact]
    public async Task ReadmeFirstExample_AgainstThePackedPackages_ChargesOnceThenReplays()
    {
        var app = Path.Combine(packed.Folder, "app");
        Directory.CreateDirectory(app);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "ConsumerApp")))
        {
            File.Copy(file, Path.Combine(app, Path.GetFileName(file)));
        }

        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), ReadmeFirstExample() + AfterTheExample);

        // Stops MSBuild's search for Directory.Build.* and Directory.Packages.props above the temporary folder.
        foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            await File.WriteAllTextAsync(Path.Combine(app, name), "<Project />");
        }

        // The packed folder beside the machine's own sources; the machine's package cache answers every other package
        // (as a fallback folder, read-only), and this app's restore writes only to a cache of its own.
        var cache = Path.Combine(packed.Folder, "cache");
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <configuration>
              <packageSources>
                <add key="packed" value="{packed.PackagesFolder}" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="machine" value="{MachinePackageCache()}" />
              </fallbackPackageFolders>
            </configuration>
            """);

        var build = PackedPackages.Dotnet("build", Path.Combine(app, "Consumer.csproj"), "-c", "Release", "-nologo", $"-p:IdempotencyVersion={packed.Version}");
        build.Environment["NUGET_PACKAGES"] = cache;
        await ToolProcess.RunAsync(build, TimeSpan.FromMinutes(3));

        // Restored by version from the packed folder, not from the repository's build output.
        foreach (var id in PackedPackages.Ids)
        {
            Assert.True(File.Exists(Path.Combine(cache, id.ToLowerInvariant(), packed.Version, $"{id.ToLowerInvariant()}.{packed.Version}.nupkg")), id);
        }

        var run = PackedPackages.Dotnet(Path.Combine(app, "bin", "Release", "net10.0", "Consumer.dll"), Path.Combine(app, "idempotency.db"));
        var output = await ToolProcess.RunAsync(run, TimeSpan.FromMinutes(1));

        Assert.Equal(
            [
                "charged",
                "replayed",
                "charges: 1",
                """POST /orders 201 replayed=- {"item":"book","quantity":2}""",
                """POST /orders 201 replayed=true {"item":"book","quantity":2}""",
                "orders handler runs: 1",
            ],
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    /// <summary>The C# block under <c>&lt;!-- snippet: readme-first-example --&gt;</c> in README.md, as written there.</summary>
    private static string ReadmeFirstExample()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryFolder.Root, "README.md"));
        var marker = Array.IndexOf(lines, "<!-- snippet: readme-first-example -->");
        Assert.True(marker >= 0 && lines[marker + 1] == "```csharp", "README.md has no C# block marked readme-first-example.");
        var end = Array.IndexOf(lines, "```", marker + 2);
        return string.Join('\n', lines[(marker + 2)..end]) + "\n";
    }

    private static string MachinePackageCache() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}
