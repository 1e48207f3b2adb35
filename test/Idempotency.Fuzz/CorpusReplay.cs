namespace Idempotency.Fuzz;

/// <summary>Runs every committed corpus input (corpus/&lt;target&gt;/*) through every target, so the corpus stays valid input for all of them.</summary>
public static class CorpusReplay
{
    /// <summary>Gets corpus/ beside this project's sources, found from the working directory upwards.</summary>
    public static string DefaultDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var corpus = Path.Combine(dir.FullName, "test", "Idempotency.Fuzz", "corpus");
            if (Directory.Exists(corpus))
            {
                return corpus;
            }
        }

        throw new DirectoryNotFoundException("test/Idempotency.Fuzz/corpus not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Runs each file under <paramref name="corpus"/> through each target; a target's undocumented exception escapes, naming the file.</summary>
    /// <returns>The number of inputs.</returns>
    public static int Run(string corpus)
    {
        var files = Directory.GetFiles(corpus, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        foreach (var file in files)
        {
            var input = File.ReadAllBytes(file);
            foreach (var name in FuzzTargets.Names)
            {
                try
                {
                    FuzzTargets.Find(name)!(input);
                }
                catch (Exception ex)
                {
                    throw new InvalidOperationException($"target {name} crashed on {Path.GetRelativePath(corpus, file)}: {ex.GetType().Name}: {ex.Message}", ex);
                }
            }
        }

        return files.Count;
    }
}
