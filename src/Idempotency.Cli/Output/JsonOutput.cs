using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Idempotency.Cli.Output;

/// <summary>Writes the one JSON document of --json (field names in docs/cli.md; no reflection: Utf8JsonWriter only).</summary>
internal static class JsonOutput
{
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task WriteAsync(TextWriter output, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        await output.WriteLineAsync(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length)).ConfigureAwait(false);
    }

    public static void WriteRecord(Utf8JsonWriter writer, RecordView record)
    {
        writer.WriteStartObject();
        writer.WriteString("storeKey", record.StoreKey);
        writer.WriteString("status", record.Status);
        writer.WriteString("createdAt", Timestamp(record.CreatedAt));
        writer.WriteNumber("ageSeconds", Seconds(record.Age));
        writer.WriteString("leaseExpiresAt", Timestamp(record.LeaseExpiresAt));
        if (record.LeaseLeft is { } leaseLeft)
        {
            writer.WriteNumber("leaseLeftSeconds", Seconds(leaseLeft));
        }
        else
        {
            writer.WriteNull("leaseLeftSeconds");
        }

        writer.WriteString("expiresAt", Timestamp(record.ExpiresAt));
        writer.WriteNumber("expiresInSeconds", Seconds(record.ExpiresIn));
        writer.WriteBoolean("retryable", record.Retryable);
        writer.WriteNumber("payloadBytes", record.PayloadBytes);
        writer.WriteString("payloadKind", record.Preview.Kind);
        writer.WriteString("preview", record.Preview.Text);
        writer.WriteEndObject();
    }

    private static string Timestamp(DateTimeOffset value) => value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static double Seconds(TimeSpan value) => Math.Round(value.TotalSeconds, 3);
}
