namespace Idempotency.TestServers;

/// <summary>Finds the repository's root (the folder of Idempotency.slnx) from a test's output folder.</summary>
public static class RepositoryFolder
{
    public static string Root { get; } = Find();

    private static string Find()
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
