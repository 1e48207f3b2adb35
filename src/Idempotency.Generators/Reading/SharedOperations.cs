using System.Collections.Immutable;
using System.Linq;
using Idempotency.Generators.Model;

namespace Idempotency.Generators.Reading;

/// <summary>
/// Finds <c>[Idempotent]</c> methods of the compilation that store their records under one operation: a key used with
/// two of them is one record, so the second replays the first's result (with the same arguments) or is refused as reused.
/// Interfaces of other namespaces or nesting types share the default operation when their names are equal; a method of a
/// base interface counts once however many interfaces inherit it.
/// </summary>
internal static class SharedOperations
{
    public static EquatableArray<DiagnosticInfo> Find(ImmutableArray<EquatableArray<OperationUse>> uses) =>
        uses
            .SelectMany(u => u)
            .GroupBy(u => u.MethodId, System.StringComparer.Ordinal)
            .Select(g => g.First())
            .GroupBy(u => u.Operation, System.StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .SelectMany(g =>
            {
                // In the order of the source: the first declared keeps the operation, every later one is told.
                var ordered = g.OrderBy(u => u.Location?.FilePath, System.StringComparer.Ordinal).ThenBy(u => u.Location?.Span.Start).ThenBy(u => u.MethodId, System.StringComparer.Ordinal).ToList();
                var first = ordered[0];
                return ordered.Skip(1).Select(u => new DiagnosticInfo(
                    Diagnostics.SharedOperation,
                    u.Location,
                    (u.Display == first.Display ? new[] { u.QualifiedDisplay, u.Operation, first.QualifiedDisplay } : new[] { u.Display, u.Operation, first.Display }).ToEquatableArray()));
            })
            .ToEquatableArray();
}
