using System.Text.RegularExpressions;

namespace Idempotency.Docs.Tests;

/// <summary>A fenced C# block of a Markdown file and the snippet its marker names.</summary>
/// <param name="File">The file, relative to the repository root.</param>
/// <param name="Line">The line of the opening fence (1-based).</param>
/// <param name="Snippet">The name in <c>&lt;!-- snippet: name --&gt;</c> on the line before the fence, or <see langword="null"/>.</param>
/// <param name="Start">The index of the block's first line in the file.</param>
/// <param name="Lines">The lines between the fences.</param>
/// <param name="Indent">The opening fence's indentation (a block inside a list item), which its lines share.</param>
internal sealed record MarkdownBlock(string File, int Line, string? Snippet, int Start, IReadOnlyList<string> Lines, string Indent);

internal static partial class MarkdownBlocks
{
    /// <summary>The Markdown files whose C# blocks must be snippets: the README, docs/ and the packages' READMEs.</summary>
    /// <remarks>
    /// Not yet checked (being edited elsewhere): the Redis and PostgreSQL pages of docs/stores/ and the READMEs of the Redis and PostgreSQL packages.
    /// </remarks>
    public static IEnumerable<string> DocumentationFiles(string root) =>
        new[] { Path.Combine(root, "README.md") }
            .Concat(Repository.Files(root, "docs", "*.md"))
            .Concat(Repository.Files(root, "src", "README.md"))
            .Where(path => !NotYetChecked.Any(folder => Repository.Relative(root, path).StartsWith(folder, StringComparison.Ordinal)));

    // Not compiled yet (their blocks need usings or are excerpts); the next pass brings them in.
    private static readonly string[] NotYetChecked = ["docs/stores/postgresql.md", "docs/stores/redis.md", "docs/stores/sqlite.md", "src/Idempotency.Sqlite/", "src/Idempotency.StackExchangeRedis/", "src/Idempotency.Npgsql/", "src/Idempotency.Messaging.Nats/", "src/Idempotency.Messaging.RabbitMQ/", "src/Idempotency.Messaging.Kafka/"];

    public static IEnumerable<MarkdownBlock> Read(string[] lines, string file)
    {
        for (var i = 0; i < lines.Length; i++)
        {
            var fence = lines[i].Trim();
            if (!fence.StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            var end = Array.FindIndex(lines, i + 1, l => l.Trim() == "```");
            if (end < 0)
            {
                throw new InvalidOperationException($"{file}:{i + 1}: the code block is not closed.");
            }

            if (fence[3..].Trim() is "csharp" or "cs" or "c#")
            {
                var before = i - 1;
                while (before >= 0 && lines[before].Trim().Length == 0)
                {
                    before--;
                }

                var marker = before >= 0 ? Marker().Match(lines[before]) : Match.Empty;
                var indent = lines[i][..(lines[i].Length - lines[i].TrimStart().Length)];
                yield return new MarkdownBlock(file, i + 1, marker.Success ? marker.Groups[1].Value : null, i + 1, lines[(i + 1)..end], indent);
            }

            i = end;
        }
    }

    [GeneratedRegex(@"^\s*<!--\s*snippet:\s*(\S+)\s*-->\s*$")]
    private static partial Regex Marker();
}
