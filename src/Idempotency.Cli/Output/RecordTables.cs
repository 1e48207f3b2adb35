using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Idempotency.Cli.Output;

/// <summary>The human output: one record as a field/value table, a page of records as one row each.</summary>
internal static class RecordTables
{
    public static Table One(RecordView record)
    {
        var table = new Table().AddColumn("Field").AddColumn("Value");
        Row(table, "Store key", record.StoreKey);
        Row(table, "Status", record.Status + (record.Status == "failed" ? (record.Retryable ? " (retryable)" : " (final)") : string.Empty));
        Row(table, "Created", $"{Timestamp(record.CreatedAt)} ({Duration(record.Age)} ago)");
        Row(table, "Lease left", record.LeaseLeft is { } left ? $"{Duration(left)} (until {Timestamp(record.LeaseExpiresAt)})" : "-");
        Row(table, "Expires", $"{Timestamp(record.ExpiresAt)} (in {Duration(record.ExpiresIn)})");
        Row(table, "Payload", $"{record.PayloadBytes} bytes, {record.Preview.Kind}");
        Row(table, "Preview", record.Preview.Text);
        return table;
    }

    public static Table Many(IEnumerable<RecordView> records)
    {
        var table = new Table()
            .AddColumn(new TableColumn("Store key").NoWrap()).AddColumn(new TableColumn("Status").NoWrap()).AddColumn("Age").AddColumn("Lease left").AddColumn("Expires in")
            .AddColumn(new TableColumn("Size").RightAligned()).AddColumn("Preview");
        foreach (var record in records)
        {
            table.AddRow(
                Cell(record.StoreKey),
                Cell(record.Status),
                Cell(Duration(record.Age)),
                Cell(record.LeaseLeft is { } left ? Duration(left) : "-"),
                Cell(Duration(record.ExpiresIn)),
                Cell(record.PayloadBytes.ToString(CultureInfo.InvariantCulture)),
                Cell(record.Preview.Kind is "empty" ? string.Empty : $"{record.Preview.Kind}: {Shorten(record.Preview.Text, 56)}"));
        }

        return table;
    }

    /// <summary>"1d 2h", "3h 4m", "5m 6s", "7s": two units are enough to read an age at a glance.</summary>
    public static string Duration(TimeSpan value) => value switch
    {
        { TotalDays: >= 1 } => $"{(int)value.TotalDays}d {value.Hours}h",
        { TotalHours: >= 1 } => $"{value.Hours}h {value.Minutes}m",
        { TotalMinutes: >= 1 } => $"{value.Minutes}m {value.Seconds}s",
        _ => $"{value.Seconds}s",
    };

    private static string Timestamp(DateTimeOffset value) => value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Shorten(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length - 1), "…");

    private static void Row(Table table, string field, string value) => table.AddRow(Cell(field), Cell(value));

    // Text, never markup: a stored value with [brackets] must print as it is; and no control character reaches the terminal.
    private static IRenderable Cell(string text) => new Text(TerminalText.Safe(text));
}
