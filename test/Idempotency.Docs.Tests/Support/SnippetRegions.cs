namespace Idempotency.Docs.Tests;

/// <summary>One snippet: the lines of every part of a region (<c>#region snippet: name</c> … <c>#endregion</c>) of one file.</summary>
/// <param name="Name">The name the documentation marks its block with.</param>
/// <param name="File">The file, relative to the repository root.</param>
/// <param name="Lines">The parts in file order, each without its common indentation, separated by a blank line.</param>
/// <param name="HasUsings">Whether a part holds <c>using</c> directives.</param>
internal sealed record SnippetRegion(string Name, string File, IReadOnlyList<string> Lines, bool HasUsings);

/// <summary>
/// Reads snippet regions from C# files. A name may have several parts in one file, joined in file order: the
/// <c>using</c> lines at the top of the file, the code in a method whose parameters stand for what the text takes as given
/// (<c>builder</c>, <c>services</c>, <c>cancellationToken</c>, …).
/// </summary>
internal static class SnippetRegions
{
    public const string Start = "#region snippet: ";

    /// <summary>The folders whose C# files may hold snippets (the docs show samples and tests as they are).</summary>
    public static readonly string[] Folders = ["test", "samples"];

    public static IReadOnlyDictionary<string, SnippetRegion> Read(string root)
    {
        var regions = new Dictionary<string, SnippetRegion>(StringComparer.Ordinal);
        foreach (var path in Folders.SelectMany(folder => Repository.Files(root, folder, "*.cs")))
        {
            var file = Repository.Relative(root, path);
            foreach (var (name, parts) in ReadFile(File.ReadAllLines(path), file))
            {
                if (regions.TryGetValue(name, out var other))
                {
                    throw new InvalidOperationException($"Snippet '{name}' is defined in {other.File} and in {file}: its parts must be in one file.");
                }

                var lines = parts.SelectMany((part, i) => i == 0 ? Dedent(part) : ["", .. Dedent(part)]).ToList();
                regions.Add(name, new SnippetRegion(name, file, lines, parts.Any(part => part.Any(IsUsing))));
            }
        }

        return regions;
    }

    /// <summary>The snippet names of one file, each with its parts.</summary>
    public static IEnumerable<(string Name, List<List<string>> Parts)> ReadFile(string[] lines, string file)
    {
        var names = new List<string>();
        var parts = new Dictionary<string, List<List<string>>>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (!line.StartsWith(Start, StringComparison.Ordinal))
            {
                continue;
            }

            var name = line[Start.Length..].Trim();
            var end = Array.FindIndex(lines, i + 1, l => l.Trim().StartsWith("#endregion", StringComparison.Ordinal));
            if (end < 0 || lines[(i + 1)..end].Any(l => l.Trim().StartsWith("#region", StringComparison.Ordinal)))
            {
                throw new InvalidOperationException($"{file}:{i + 1}: snippet '{name}' needs an #endregion before any other #region.");
            }

            if (!parts.TryGetValue(name, out var list))
            {
                names.Add(name);
                parts[name] = list = [];
            }

            list.Add([.. lines[(i + 1)..end]]);
            i = end;
        }

        return names.Select(name => (name, parts[name]));
    }

    public static bool IsUsing(string line)
    {
        var trimmed = line.TrimStart();
        return trimmed.StartsWith("using ", StringComparison.Ordinal) && trimmed.EndsWith(';') && !trimmed.Contains('(', StringComparison.Ordinal) && !trimmed.Contains('=', StringComparison.Ordinal);
    }

    private static IEnumerable<string> Dedent(List<string> part)
    {
        var indent = part.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return part.Select(l => l.Trim().Length == 0 ? "" : l[indent..].TrimEnd());
    }
}
