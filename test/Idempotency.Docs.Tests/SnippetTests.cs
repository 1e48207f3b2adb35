namespace Idempotency.Docs.Tests;

/// <summary>
/// Every C# block of the documentation is a snippet that compiles: the block is marked
/// <c>&lt;!-- snippet: name --&gt;</c> and its text is the region <c>#region snippet: name</c> of a C# file in this
/// project (or in samples/ or test/), compared line by line with indentation and blank lines ignored. Set
/// <c>UPDATE_SNIPPETS=1</c> to rewrite the marked blocks from their regions instead of failing.
/// </summary>
public sealed class SnippetTests
{
    private static readonly string SnippetFolder = "test/Idempotency.Docs.Tests/Snippets/";

    [Fact]
    public void Documentation_EveryCSharpBlock_IsItsSnippet()
    {
        var regions = SnippetRegions.Read(Repository.Root);
        var update = Environment.GetEnvironmentVariable("UPDATE_SNIPPETS") == "1";
        var problems = new List<string>();
        foreach (var path in MarkdownBlocks.DocumentationFiles(Repository.Root))
        {
            var file = Repository.Relative(Repository.Root, path);
            var lines = File.ReadAllLines(path).ToList();
            var changed = false;

            // Bottom-up, so that rewriting a block does not move the ones still to visit.
            foreach (var block in MarkdownBlocks.Read([.. lines], file).Reverse())
            {
                if (block.Snippet is null)
                {
                    problems.Add($"{file}:{block.Line}: a C# block without <!-- snippet: name --> on the line before it.");
                }
                else if (!regions.TryGetValue(block.Snippet, out var region))
                {
                    problems.Add($"{file}:{block.Line}: no region '#region snippet: {block.Snippet}' in {string.Join(", ", SnippetRegions.Folders)}.");
                }
                else if (!Normalize(block.Lines).SequenceEqual(Normalize(region.Lines)))
                {
                    if (update)
                    {
                        lines.RemoveRange(block.Start, block.Lines.Count);
                        lines.InsertRange(block.Start, region.Lines.Select(line => line.Length == 0 ? line : block.Indent + line));
                        changed = true;
                    }
                    else
                    {
                        problems.Add($"{file}:{block.Line}: the block differs from snippet '{block.Snippet}' ({region.File}), which reads:\n{string.Join('\n', region.Lines)}");
                    }
                }
            }

            if (changed)
            {
                File.WriteAllText(path, string.Join('\n', lines) + "\n");
            }
        }

        problems.Sort(StringComparer.Ordinal);
        Assert.True(problems.Count == 0, $"\n{string.Join('\n', problems)}\n(UPDATE_SNIPPETS=1 rewrites marked blocks from their regions.)");
    }

    [Fact]
    public void Snippets_EveryRegion_IsShownInTheDocumentation()
    {
        var shown = MarkdownBlocks.DocumentationFiles(Repository.Root)
            .SelectMany(path => MarkdownBlocks.Read(File.ReadAllLines(path), path))
            .Select(block => block.Snippet)
            .ToHashSet(StringComparer.Ordinal);

        var unused = SnippetRegions.Read(Repository.Root).Values.Where(region => !shown.Contains(region.Name)).Select(region => $"{region.Name} ({region.File})").ToList();

        Assert.True(unused.Count == 0, "Snippets no page shows: " + string.Join(", ", unused));
    }

    [Fact]
    public void SnippetFiles_UsingDirectives_BelongToTheFilesOneSnippet()
    {
        // A block's using lines are all its code needs: the file compiles with them alone (IDE0005 says none is extra).
        var problems = new List<string>();
        foreach (var path in Repository.Files(Repository.Root, SnippetFolder, "*.cs"))
        {
            var file = Repository.Relative(Repository.Root, path);
            var lines = File.ReadAllLines(path);
            var snippets = SnippetRegions.ReadFile(lines, file).ToList();
            var inRegions = snippets.SelectMany(s => s.Parts).SelectMany(part => part).Count(SnippetRegions.IsUsing);
            var all = lines.Count(SnippetRegions.IsUsing);
            if (inRegions != all)
            {
                problems.Add($"{file}: {all - inRegions} using directive(s) outside a snippet; the snippets would not compile as shown.");
            }

            if (inRegions > 0 && snippets.Count > 1)
            {
                problems.Add($"{file}: its using directives would serve {snippets.Count} snippets; give the snippet with usings a file of its own.");
            }
        }

        Assert.Empty(problems);
    }

    private static IEnumerable<string> Normalize(IEnumerable<string> lines) =>
        lines.Select(line => string.Join(' ', line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))).Where(line => line.Length > 0);
}
