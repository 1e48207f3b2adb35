namespace Idempotency.Generators.Tests.Support;

/// <summary>
/// Compares generated files with the verified copies in <c>Snapshots/Verified/&lt;name&gt;/</c>. Set
/// <c>UPDATE_SNAPSHOTS=1</c> to write the copies from the generator instead (then review the diff before committing).
/// </summary>
internal static class Snapshot
{
    public static void Verify(string name, IReadOnlyDictionary<string, string> sources)
    {
        var folder = Path.Combine(ProjectFolder(), "Snapshots", "Verified", name);
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1")
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            Directory.CreateDirectory(folder);
            foreach (var (hint, text) in sources)
            {
                File.WriteAllText(Path.Combine(folder, hint), text);
            }

            return;
        }

        Assert.True(Directory.Exists(folder), $"No verified snapshot {folder}: run with UPDATE_SNAPSHOTS=1 and review it.");
        var verified = Directory.GetFiles(folder).ToDictionary(path => Path.GetFileName(path), File.ReadAllText);
        Assert.Equal(verified.Keys.Order(StringComparer.Ordinal), sources.Keys.Order(StringComparer.Ordinal));
        foreach (var (hint, text) in sources)
        {
            Assert.True(verified[hint] == text, $"{name}/{hint} differs from its verified copy (UPDATE_SNAPSHOTS=1 rewrites it). Generated:\n{text}");
        }
    }

    private static string ProjectFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Idempotency.Generators.Tests.csproj")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The test project's folder is not above " + AppContext.BaseDirectory);
    }
}
