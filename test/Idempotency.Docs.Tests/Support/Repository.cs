namespace Idempotency.Docs.Tests;

/// <summary>Finds the repository's files from the test's output folder.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>The files below <paramref name="folder"/> that match <paramref name="pattern"/>, build output left out.</summary>
    public static IEnumerable<string> Files(string root, string folder, string pattern) =>
        Directory.Exists(Path.Combine(root, folder))
            ? Directory.EnumerateFiles(Path.Combine(root, folder), pattern, SearchOption.AllDirectories)
                .Where(path => !Relative(root, path).Split('/').Any(segment => segment is "bin" or "obj"))
                .Order(StringComparer.Ordinal)
            : [];

    public static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Idempotency.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Idempotency.slnx above {AppContext.BaseDirectory}.");
    }
}
